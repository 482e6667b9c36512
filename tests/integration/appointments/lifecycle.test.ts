/**
 * An appointment after booking (issue #7): confirm, reschedule, cancel, no-show. Each is one
 * transaction that appends the card's event with the store's next sequence number and its audit
 * row (the card's history), is answered once per idempotency key, and is broadcast after commit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppointmentChangeResult, BookingResult } from '$lib/realtime/contract';
import { redisUrl } from '../../adminUrl';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { invariantViolations, readCard, writeCounts } from '../helpers/boardFixture';
import { cleanup, startApp, type App } from '../helpers/apps';
import { connectSocket, nextEvent, type BoardSocket } from '../helpers/clients';
import { requireRedis } from '../helpers/processes';
import { bookAppointment } from '$lib/server/appointments/book';
import { bookCommand } from '$lib/server/appointments/command';
import { cancel, confirm, markNoShow, reschedule } from '$lib/server/appointments/lifecycle';
import type { ChangeActor, ChangeAnswer } from '$lib/server/appointments/change';
import { moveCard } from '$lib/server/board/move';
import { can } from '$lib/domain/permissions';
import { actorOf, addBookingStore, booking, dayFromToday, newKey, type BookingStore } from './world';

const opened = cleanup();
let db: TestDatabase;
let a: App;
let b: App;
let store: BookingStore;

beforeAll(async () => {
	await requireRedis(redisUrl);
	db = opened.add(await createTestDatabase(), (d) => d.drop());
	// one technician: 480 minutes, 384 bookable
	store = await addBookingStore(db.sql, { technicianMinutes: [480] });
	a = opened.add(await startApp({ name: 'inst-a', databaseUrl: db.url, redisUrl }), (app) => app.close());
	b = opened.add(await startApp({ name: 'inst-b', databaseUrl: db.url, redisUrl }), (app) => app.close());
});
afterAll(() => opened.run());

const actor = (role: 'advisor' | 'service' | 'director' = 'service'): ChangeActor => ({
	...actorOf(store, role),
	mayMove: (move) => can([role], 'card:move', move)
});

async function book(over: Parameters<typeof booking>[1] = {}): Promise<BookingResult> {
	const answer = await bookAppointment(db.sql, store, bookCommand.parse(booking(store, over)), actorOf(store));
	expect(answer, JSON.stringify(answer)).toMatchObject({ ok: true });
	return (answer as Extract<typeof answer, { ok: true }>).data;
}

const ok = (answer: ChangeAnswer): AppointmentChangeResult => {
	expect(answer, JSON.stringify(answer)).toMatchObject({ ok: true });
	return (answer as Extract<ChangeAnswer, { ok: true }>).data;
};

/** As the route does: broadcast what committed. */
const broadcast = (app: App, answer: ChangeAnswer) => {
	if (answer.ok && !answer.data.replayed && answer.data.event) app.realtime.broadcast(store.id, answer.data.event);
	return answer;
};

const status = async (id: number) =>
	(await db.sql<{ status: string }[]>`select status from appointments where id = ${id}`)[0].status;

const history = (cardId: number) =>
	db.sql<{ action: string; seq: number | null; detail: Record<string, unknown> }[]>`
		select action, seq::int, detail from audit_log where card_id = ${cardId} order by id`;

async function toReady(cardId: number) {
	const card = await readCard(db.sql, cardId);
	const moved = await moveCard(db.sql, store.id, { cardId, to: 'ready', expectedVersion: card.version, idempotencyKey: newKey('mv') }, { userId: null, label: 'director', source: 'test' });
	expect(moved.ok).toBe(true);
}

describe('confirm', () => {
	it('moves a card from ready to confirmed, on the call list’s word, live on another instance', async () => {
		const booked = await book({ day: dayFromToday(6), start: '11:00' });
		await toReady(booked.appointment.cardId);
		const screen = opened.add(await connectSocket(b.url, { slug: store.slug, cookie: store.users.parts.cookie }), (s: BoardSocket) => s.close());
		const heard = nextEvent(screen, 'card:moved');
		const key = newKey('confirm');
		const result = ok(broadcast(a, await confirm(db.sql, store, booked.appointment.id, { idempotencyKey: key, call: { note: '客户确认按时到店' } }, actor('service'))));

		expect(result.appointment).toMatchObject({ status: 'confirmed', cardId: booked.appointment.cardId });
		expect(result.event).toMatchObject({ type: 'card:moved', from: 'ready', card: { column: 'confirmed', version: 3 } });
		expect(await heard).toEqual(result.event);
		expect(await readCard(db.sql, booked.appointment.cardId)).toEqual(result.event!.card);
		const [call] = await db.sql`
			select kind, outcome, note, done_at is not null as done from call_tasks where appointment_id = ${booked.appointment.id}`;
		expect(call).toEqual({ kind: 'confirmationCall', outcome: 'confirmed', note: '客户确认按时到店', done: true });
		expect((await history(booked.appointment.cardId)).map((h) => h.action)).toEqual(['appointment.book', 'card.move', 'appointment.confirm']);

		// the retry gets the first answer; a second confirmation is refused with the reason
		const retry = ok(await confirm(db.sql, store, booked.appointment.id, { idempotencyKey: key, call: { note: '客户确认按时到店' } }, actor('service')));
		expect(retry).toEqual({ ...result, replayed: true });
		const again = await confirm(db.sql, store, booked.appointment.id, { idempotencyKey: newKey() }, actor('service'));
		expect(again).toMatchObject({ ok: false, error: { code: 'appointmentRefused', reason: 'alreadyConfirmed', status: 'confirmed' } });
	});

	it('confirms the appointment but leaves a card still in prep there (the flow never skips ready)', async () => {
		const booked = await book({ day: dayFromToday(6), start: '13:00' });
		const result = ok(await confirm(db.sql, store, booked.appointment.id, { idempotencyKey: newKey() }, actor('service')));
		expect(result.appointment.status).toBe('confirmed');
		expect(result.event).toMatchObject({ type: 'card:updated', kind: 'appointmentConfirmed', card: { column: 'prep', version: 2 } });
		expect((await history(booked.appointment.cardId)).at(-1)).toMatchObject({ action: 'appointment.confirm', seq: result.event!.seq, detail: { card: { column: 'prep', moved: false } } });

		// prep done later: the customer already said yes, so the card lands in 预约确认, not in 准备完成;
		// a retry of that move gets the same answer
		const card = await readCard(db.sql, booked.appointment.cardId);
		const command = { cardId: card.id, to: 'ready' as const, expectedVersion: card.version, idempotencyKey: newKey('mv') };
		const director = { userId: null, label: 'director', source: 'test' };
		const moved = await moveCard(db.sql, store.id, command, director);
		expect(moved).toMatchObject({ ok: true, data: { event: { from: 'prep', card: { column: 'confirmed' } } } });
		expect(await readCard(db.sql, card.id)).toMatchObject({ column: 'confirmed', version: card.version + 1 });
		expect((await history(card.id)).at(-1)).toMatchObject({
			action: 'card.move',
			detail: { from: 'prep', to: 'confirmed', requested: 'ready', customerConfirmed: true }
		});
		const retried = await moveCard(db.sql, store.id, command, director);
		expect(retried).toMatchObject({ ok: true, data: { replayed: true, event: { card: { column: 'confirmed' } } } });
		expect(await invariantViolations(db.sql)).toEqual([]);
	});

	it('refuses an unknown appointment and one of another store', async () => {
		const other = await addBookingStore(db.sql);
		expect(await confirm(db.sql, store, 999_999_999, { idempotencyKey: newKey() }, actor())).toMatchObject({ ok: false, error: { code: 'appointmentNotFound' } });
		const booked = await book({ day: dayFromToday(6), start: '13:15' });
		expect(await confirm(db.sql, other, booked.appointment.id, { idempotencyKey: newKey() }, actor())).toMatchObject({ ok: false, error: { code: 'appointmentNotFound' } });
	});
});

describe('reschedule', () => {
	it('re-checks capacity with the booking rules: refused with the reason on a full day, nothing changed; then moved', async () => {
		const full = dayFromToday(9);
		// 384 bookable minutes: 4 × 90 = 360, and a 60-minute job does not fit any more
		for (const start of ['11:00', '11:15', '11:30', '11:45']) await book({ day: full, start, jobs: ['brakePads'] });
		const booked = await book({ day: dayFromToday(8), start: '14:00' });
		const before = await writeCounts(db.sql);
		const cardBefore = await readCard(db.sql, booked.appointment.cardId);

		const refused = await reschedule(db.sql, store, booked.appointment.id, { idempotencyKey: newKey(), day: full, start: '14:00' }, actor());
		expect(refused).toMatchObject({ ok: false, error: { code: 'bookingRefused', reason: 'labourFull', needsOverride: true } });
		expect((refused as { error: { message: string } }).error.message).toContain('80% of capacity');
		expect(await writeCounts(db.sql)).toEqual(before);
		expect(await readCard(db.sql, booked.appointment.cardId)).toEqual(cardBefore);

		const to = dayFromToday(10);
		const result = ok(broadcast(a, await reschedule(db.sql, store, booked.appointment.id, { idempotencyKey: newKey(), day: to, start: '14:30' }, actor())));
		expect(result.appointment).toMatchObject({ day: to, start: '14:30', status: 'tentative', rescheduleCount: 1, tier: 'idle' });
		expect(result.event).toMatchObject({ type: 'card:updated', kind: 'rescheduled', card: { column: 'prep', dueAt: `${to}T06:30:00.000Z` } });
		expect((await history(booked.appointment.cardId)).at(-1)).toMatchObject({
			action: 'appointment.reschedule',
			detail: { from: { day: dayFromToday(8), start: '14:00' }, to: { day: to, start: '14:30' } }
		});
	});

	it('does not count the appointment against itself, and a director may override (recorded)', async () => {
		const day = dayFromToday(12);
		const booked = await book({ day, start: '11:00', jobs: ['brakePads'] });
		for (const start of ['11:15', '11:30', '11:45']) await book({ day, start, jobs: ['brakePads'] });
		// 360 of 384 minutes: moving one of them within the day fits, as it frees its own 90
		ok(await reschedule(db.sql, store, booked.appointment.id, { idempotencyKey: newKey(), day, start: '14:00' }, actor()));
		const extra = await book({ day: dayFromToday(11), start: '11:00' });
		expect(await reschedule(db.sql, store, extra.appointment.id, { idempotencyKey: newKey(), day, start: '14:15' }, actor())).toMatchObject({ ok: false, error: { reason: 'labourFull' } });
		const forced = ok(await reschedule(db.sql, store, extra.appointment.id, { idempotencyKey: newKey(), day, start: '14:15', override: { reason: '老客户，总监同意' } }, actor('director')));
		expect(forced.appointment.day).toBe(day);
		const [row] = await db.sql`select override_reason from appointments where id = ${extra.appointment.id}`;
		expect(row.override_reason).toBe('老客户，总监同意');
	});

	it('takes a confirmed card back to ready: the new date needs a new confirmation call', async () => {
		const booked = await book({ day: dayFromToday(6), start: '14:00' });
		await toReady(booked.appointment.cardId);
		ok(await confirm(db.sql, store, booked.appointment.id, { idempotencyKey: newKey() }, actor()));
		const result = ok(await reschedule(db.sql, store, booked.appointment.id, { idempotencyKey: newKey(), day: dayFromToday(7), start: '15:00' }, actor()));
		expect(result.appointment.status).toBe('tentative');
		expect(result.event).toMatchObject({ type: 'card:moved', from: 'confirmed', card: { column: 'ready' } });
	});

	it('refuses the same time, a day in the past and a card already in the bay', async () => {
		const booked = await book({ day: dayFromToday(6), start: '14:15' });
		expect(await reschedule(db.sql, store, booked.appointment.id, { idempotencyKey: newKey(), day: dayFromToday(6), start: '14:15' }, actor())).toMatchObject({ ok: false, error: { reason: 'sameTime' } });
		expect(await reschedule(db.sql, store, booked.appointment.id, { idempotencyKey: newKey(), day: dayFromToday(-1), start: '14:15' }, actor())).toMatchObject({ ok: false, error: { code: 'bookingRefused', reason: 'dateInPast' } });
		await db.sql`update cards set board_column = 'inBay' where id = ${booked.appointment.cardId}`;
		expect(await reschedule(db.sql, store, booked.appointment.id, { idempotencyKey: newKey(), day: dayFromToday(7), start: '14:15' }, actor())).toMatchObject({ ok: false, error: { reason: 'carArrived' } });
		await db.sql`update cards set board_column = 'prep' where id = ${booked.appointment.cardId}`;
	});
});

describe('cancel', () => {
	it('archives the card, puts reserved, picked and arrived parts back on the shelf, cancels the work order, in one event', async () => {
		await db.sql`
			insert into parts (store_id, part_no, name, on_hand, lead_days) values
				(${store.id}, 'OF-1', '机油滤清器', 3, 3), (${store.id}, 'BP-1', '前刹车片', 0, 5), (${store.id}, 'OIL-4', '机油 4L', 10, 2)`;
		const booked = await book({ day: dayFromToday(6), start: '15:00' });
		const cardId = booked.appointment.cardId;
		await db.sql`delete from card_parts where card_id = ${cardId}`;
		await db.sql`
			insert into card_parts (card_id, store_id, part_no, name, quantity, status, eta) values
				(${cardId}, ${store.id}, 'OF-1', '机油滤清器', 1, 'reserved', null),
				(${cardId}, ${store.id}, 'OIL-4', '机油 4L', 2, 'picked', null),
				(${cardId}, ${store.id}, 'BP-1', '前刹车片', 1, 'ordered', ${dayFromToday(4)}),
				(${cardId}, ${store.id}, 'OF-1', '机油滤清器', 1, 'arrived', ${dayFromToday(1)}),
				(${cardId}, ${store.id}, 'HAND-1', '手写零件', 1, 'reserved', null)`;
		const screen = opened.add(await connectSocket(b.url, { slug: store.slug, cookie: store.users.parts.cookie }), (s: BoardSocket) => s.close());
		const heard = nextEvent(screen, 'card:archived');

		const result = ok(broadcast(a, await cancel(db.sql, store, booked.appointment.id, { idempotencyKey: newKey(), reason: '客户车辆已出售' }, actor('advisor'))));

		expect(result.event).toMatchObject({ type: 'card:archived', reason: 'cancelled', card: { id: cardId } });
		expect(await heard).toEqual(result.event);
		expect(result.appointment).toMatchObject({ status: 'cancelled', cardId: null });
		expect(result.parts).toEqual({ returned: [{ partNo: 'OF-1', quantity: 2 }, { partNo: 'OIL-4', quantity: 2 }], stillOrdered: ['BP-1'] });
		const stock = await db.sql`select part_no, on_hand from parts where store_id = ${store.id} order by part_no`;
		expect(stock).toEqual([
			{ part_no: 'BP-1', on_hand: 0 },
			{ part_no: 'OF-1', on_hand: 5 },
			{ part_no: 'OIL-4', on_hand: 12 }
		]);
		const lines = await db.sql`select part_no, status from card_parts where card_id = ${cardId} order by id`;
		expect(lines.map((l) => l.status)).toEqual(['inStock', 'inStock', 'ordered', 'inStock', 'reserved']);
		const [card] = await db.sql`select archived_at is not null as archived, cancelled_at is not null as cancelled from cards where id = ${cardId}`;
		expect(card).toEqual({ archived: true, cancelled: true });
		const [appointment] = await db.sql`select cancel_reason from appointments where id = ${booked.appointment.id}`;
		expect(appointment.cancel_reason).toBe('客户车辆已出售');
		expect((await history(cardId)).at(-1)).toMatchObject({
			action: 'appointment.cancel',
			seq: result.event!.seq,
			detail: { reason: '客户车辆已出售', workOrder: 'cancelled', stillOrdered: ['BP-1'] }
		});
		// cancelled is final
		expect(await cancel(db.sql, store, booked.appointment.id, { idempotencyKey: newKey(), reason: '再取消' }, actor())).toMatchObject({ ok: false, error: { reason: 'notOpen', status: 'cancelled' } });
		expect(await confirm(db.sql, store, booked.appointment.id, { idempotencyKey: newKey() }, actor())).toMatchObject({ ok: false, error: { reason: 'notOpen' } });
	});

	it('frees the day: a cancelled appointment no longer takes capacity', async () => {
		const day = dayFromToday(13);
		const first = await book({ day, start: '11:00', jobs: ['brakePads'] });
		for (const start of ['11:15', '11:30', '11:45']) await book({ day, start, jobs: ['brakePads'] });
		const late = await book({ day: dayFromToday(14), start: '11:00' });
		expect(await reschedule(db.sql, store, late.appointment.id, { idempotencyKey: newKey(), day, start: '15:00' }, actor())).toMatchObject({ ok: false });
		ok(await cancel(db.sql, store, first.appointment.id, { idempotencyKey: newKey(), reason: '客户改期到下月' }, actor()));
		ok(await reschedule(db.sql, store, late.appointment.id, { idempotencyKey: newKey(), day, start: '15:00' }, actor()));
	});
});

describe('no-show', () => {
	it('is recorded once the time has passed, counted, and puts a call to reschedule on the list', async () => {
		const booked = await book({ day: dayFromToday(6), start: '15:15' });
		expect(await markNoShow(db.sql, store, booked.appointment.id, { idempotencyKey: newKey() }, actor())).toMatchObject({ ok: false, error: { reason: 'notYetDue' } });
		// the appointment was yesterday
		await db.sql`update appointments set scheduled_at = scheduled_at - interval '7 days' where id = ${booked.appointment.id}`;
		const result = ok(await markNoShow(db.sql, store, booked.appointment.id, { idempotencyKey: newKey(), note: '电话未接' }, actor()));
		expect(result).toMatchObject({ appointment: { status: 'noShow' }, noShows: 1, event: { type: 'card:updated', kind: 'noShow', card: { noShow: true } } });
		const [call] = await db.sql`
			select kind, to_char(about_on, 'YYYY-MM-DD') as about, to_char(due_on, 'YYYY-MM-DD') as due, done_at
			from call_tasks where appointment_id = ${booked.appointment.id}`;
		expect(call).toEqual({ kind: 'noShow', about: dayFromToday(-1), due: dayFromToday(6), done_at: null });

		// rescheduled from the no-show call: tentative again, and the call is done; the technical
		// director's proposal of a new day (the morning review) is answered by it
		await db.sql`update cards set reschedule_proposed_on = current_date + 5 where id = ${booked.appointment.cardId}`;
		ok(await reschedule(db.sql, store, booked.appointment.id, { idempotencyKey: newKey(), day: dayFromToday(5), start: '15:15' }, actor()));
		expect(await status(booked.appointment.id)).toBe('tentative');
		// and the board no longer says 爽约
		expect(await readCard(db.sql, booked.appointment.cardId)).toMatchObject({ noShow: false, rescheduleProposal: null });
		const [done] = await db.sql`select outcome from call_tasks where appointment_id = ${booked.appointment.id}`;
		expect(done.outcome).toBe('rescheduled');
	});
});

describe('a reschedule and bookings racing for the last hour of a day', () => {
	it('exactly one gets it, whichever it is, every round', async () => {
		for (let round = 0; round < 6; round++) {
			const day = dayFromToday(30 + round);
			// 384 bookable minutes, 3 × 90 + 30 = 300 booked: 84 left, one more hour fits, two do not
			for (const start of ['11:00', '11:15', '11:30']) await book({ day, start, jobs: ['brakePads'] });
			await book({ day, start: '11:45', jobs: ['tyres'] });
			const mover = await book({ day: dayFromToday(40 + round), start: '11:00' });
			const answers = await Promise.all([
				reschedule(db.sql, store, mover.appointment.id, { idempotencyKey: newKey(), day, start: '14:00' }, actor()),
				...[0, 1, 2].map((i) =>
					bookAppointment(db.sql, store, bookCommand.parse(booking(store, { day, start: `15:${String(i * 15).padStart(2, '0')}` })), actorOf(store))
				)
			]);
			expect(answers.filter((a) => a.ok)).toHaveLength(1);
			for (const refused of answers.filter((a) => !a.ok)) {
				expect(refused).toMatchObject({ ok: false, error: { reason: 'labourFull' } });
			}
		}
	});
});

describe('every change', () => {
	it('kept the board’s invariants: one event per change with its audit row and idempotency record, versions in a chain', async () => {
		expect(await invariantViolations(db.sql)).toEqual([]);
	});
});
