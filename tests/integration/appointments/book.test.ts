/**
 * Booking (issue #7): a tentative appointment and its card in prep, in one transaction with the
 * store's next sequence number, the card:created event, its audit row and the idempotency record
 * (G1, G2, G10); the event reaches a screen on another instance (G5) and a screen that missed it
 * catches up (G6); capacity refusals carry the rule's reason and write nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BookingResult, CardCreatedEvent } from '$lib/realtime/contract';
import { redisUrl } from '../../adminUrl';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { invariantViolations, readCard } from '../helpers/boardFixture';
import { cleanup, startApp, type App } from '../helpers/apps';
import { connectSocket, nextEvent, syncBoard, type BoardSocket } from '../helpers/clients';
import { requireRedis } from '../helpers/processes';
import { bookAppointment, type BookingAnswer } from '$lib/server/appointments/book';
import { bookCommand, type BookCommand } from '$lib/server/appointments/command';
import {
	actorOf,
	addBookingStore,
	booking,
	bookingWrites,
	dayFromToday,
	newcomer,
	type BookingStore
} from './world';

const opened = cleanup();
let db: TestDatabase;
let a: App;
let b: App;
let store: BookingStore;

beforeAll(async () => {
	await requireRedis(redisUrl);
	db = opened.add(await createTestDatabase(), (d) => d.drop());
	store = await addBookingStore(db.sql);
	a = opened.add(await startApp({ name: 'inst-a', databaseUrl: db.url, redisUrl }), (app) => app.close());
	b = opened.add(await startApp({ name: 'inst-b', databaseUrl: db.url, redisUrl }), (app) => app.close());
});
afterAll(() => opened.run());

/** As the route does it: parse strictly, book, broadcast what committed. */
async function book(app: App, s: BookingStore, input: unknown, role?: 'advisor' | 'director' | 'service') {
	const command: BookCommand = bookCommand.parse(input);
	const answer = await bookAppointment(app.sql, s, command, actorOf(s, role));
	if (answer.ok && !answer.data.replayed) app.realtime.broadcast(s.id, answer.data.event);
	return answer;
}

const ok = (answer: BookingAnswer): BookingResult => {
	expect(answer, JSON.stringify(answer)).toMatchObject({ ok: true });
	return (answer as Extract<BookingAnswer, { ok: true }>).data;
};

const login = (s: BookingStore) => ({ slug: s.slug, cookie: s.users.parts.cookie });

describe('a booking', () => {
	it('makes the appointment, its card in prep, the event and the audit row together, and a screen on the other instance sees the card', async () => {
		const screen = opened.add(await connectSocket(b.url, login(store)), (s: BoardSocket) => s.close());
		const heard = nextEvent(screen, 'card:created');
		const before = await bookingWrites(db.sql);

		const result = ok(await book(a, store, booking(store, { day: dayFromToday(5), start: '10:15', jobs: ['maintenance', 'tyres'] })));
		// the very first read after the answer sees all of it committed
		const [appointment] = await db.sql`
			select status, channel, labour_minutes::int as "labourMinutes", tier, price_factor_percent as "priceFactorPercent",
				iso_utc(scheduled_at) as "scheduledAt", booked_by::int as "bookedBy"
			from appointments where id = ${result.appointment.id}`;
		const items = await db.sql`
			select position::int, labour_minutes::int as minutes from appointment_items
			where appointment_id = ${result.appointment.id} order by position`;
		const card = await readCard(db.sql, result.appointment.cardId);
		const [event] = await db.sql<{ type: string; payload: CardCreatedEvent }[]>`
			select type, payload from board_events where store_id = ${store.id} and seq = ${result.event.seq}`;
		const audits = await db.sql`
			select action, detail, actor_label as label from audit_log
			where store_id = ${store.id} and seq = ${result.event.seq}`;

		expect(appointment).toEqual({
			status: 'tentative',
			channel: 'phone',
			labourMinutes: 90,
			tier: 'transition',
			priceFactorPercent: 95,
			// 10:15 in Shanghai is 02:15 UTC
			scheduledAt: `${result.appointment.day}T02:15:00.000Z`,
			bookedBy: store.users.advisor.id
		});
		expect(items).toEqual([
			{ position: 1, minutes: 60 },
			{ position: 2, minutes: 30 }
		]);
		expect(card).toMatchObject({
			column: 'prep',
			version: 1,
			plate: '沪A·12345',
			customerName: '王先生',
			walkIn: false,
			jobSummary: '常规保养、轮胎更换',
			advisor: `advisor·${store.id}`,
			dueAt: `${result.appointment.day}T02:15:00.000Z`
		});
		expect(event.type).toBe('card:created');
		expect(event.payload).toEqual(result.event);
		expect(result.event.card).toEqual(card);
		expect(audits).toHaveLength(1);
		expect(audits[0]).toMatchObject({ action: 'appointment.book', label: store.users.advisor.username });
		expect(audits[0].detail).toMatchObject({ appointmentId: result.appointment.id, jobs: ['maintenance', 'tyres'] });

		expect(await heard).toEqual(result.event);
		const after = await bookingWrites(db.sql);
		expect(after).toEqual({
			...before,
			appointments: before.appointments + 1,
			items: before.items + 2,
			cards: before.cards + 1,
			events: before.events + 1,
			audits: before.audits + 1,
			results: before.results + 1,
			seqs: before.seqs + 1
		});
		expect(await invariantViolations(db.sql)).toEqual([]);
	});

	it('for a new customer with a new car creates both, and the card greets them by surname', async () => {
		const result = ok(await book(a, store, booking(store, { ...newcomer(1), day: dayFromToday(6) })));
		const card = await readCard(db.sql, result.appointment.cardId);
		expect(card).toMatchObject({ customerName: '李女士', plate: '沪B·10001', model: '途观L', column: 'prep' });
		const [customer] = await db.sql`select phone from customers where id = ${result.appointment.customerId}`;
		expect(customer.phone).toBe('13700000001');
	});

	it('retried with the same key is booked once, and the retry gets the first answer', async () => {
		const command = booking(store, { day: dayFromToday(8), start: '13:00' });
		const before = await bookingWrites(db.sql);
		const [first, second] = await Promise.all([book(a, store, command), book(b, store, command)]);
		const third = await book(a, store, command);
		const results = [first, second, third].map(ok);
		expect(results.filter((r) => !r.replayed)).toHaveLength(1);
		for (const r of results) {
			expect(r.appointment).toEqual(results[0].appointment);
			expect(r.event).toEqual(results[0].event);
		}
		const after = await bookingWrites(db.sql);
		expect(after.appointments - before.appointments).toBe(1);
		expect(after.events - before.events).toBe(1);

		// the same key for another booking is not that booking's answer
		const other = await book(a, store, { ...command, start: '13:15' });
		expect(other).toMatchObject({ ok: false, error: { code: 'invalidInput' } });
	});

	it('is replayed to a screen that missed it (board:sync), and a later snapshot has the card', async () => {
		const screen = opened.add(await connectSocket(a.url, login(store)), (s: BoardSocket) => s.close());
		const [{ head }] = await db.sql<{ head: number }[]>`
			select last_seq::int as head from store_sequences where store_id = ${store.id}`;
		const result = ok(await book(b, store, booking(store, { day: dayFromToday(9) })));
		const sync = await syncBoard(screen, head);
		expect(sync).toMatchObject({ ok: true, data: { kind: 'events' } });
		if (!sync.ok || sync.data.kind !== 'events') return;
		expect(sync.data.events).toEqual([result.event]);
		const full = await syncBoard(screen, 0);
		if (!full.ok) throw new Error('sync refused');
		const cards = full.data.kind === 'snapshot' ? full.data.cards : full.data.events.map((e) => e.card);
		expect(cards.map((c) => c.id)).toContain(result.appointment.cardId);
	});
});

describe('capacity refusals', () => {
	let small: BookingStore;
	beforeAll(async () => {
		// one technician, 150 minutes: appointments may fill floor(150 × 80%) = 120
		small = await addBookingStore(db.sql, { technicianMinutes: [150] });
		await db.sql`insert into parts (store_id, part_no, name, on_hand, lead_days)
			values (${small.id}, 'PAD-1', '前刹车片', 0, 3)`;
		await db.sql`insert into job_type_parts (store_id, job_type_id, part_no)
			select ${small.id}, id, 'PAD-1' from job_types where store_id = ${small.id} and code = 'brakePads'`;
	});

	const refusal = async (input: unknown, role?: 'advisor' | 'director') => {
		const answer = await book(a, small, input, role);
		expect(answer.ok, JSON.stringify(answer)).toBe(false);
		return (answer as Extract<BookingAnswer, { ok: false }>).error;
	};

	it('say which rule refused, and write nothing', async () => {
		const before = await bookingWrites(db.sql);
		const day = dayFromToday(10);
		expect(await refusal(booking(small, { day: dayFromToday(-1) }))).toMatchObject({
			code: 'bookingRefused',
			reason: 'dateInPast'
		});
		expect(await refusal(booking(small, { day, start: '07:00' }))).toMatchObject({ reason: 'outsideOpeningHours' });
		expect(await refusal(booking(small, { day, start: '17:30' }))).toMatchObject({ reason: 'outsideOpeningHours' });
		expect(await refusal(booking(small, { day, start: '11:05' }))).toMatchObject({ reason: 'offSlotStep' });
		expect(await refusal(booking(small, { day, jobs: ['diagnosis'] }))).toMatchObject({
			reason: 'jobTypeNotQuick',
			jobType: 'diagnosis'
		});
		expect(await refusal(booking(small, { day, jobs: ['oilChange'] }))).toMatchObject({
			reason: 'unknownJobType',
			jobType: 'oilChange'
		});
		// the pads are not on the shelf: three workdays to order, then the day after they arrive
		const parts = await refusal(booking(small, { day: dayFromToday(1), jobs: ['brakePads'] }));
		expect(parts).toMatchObject({ reason: 'partsNotInTime', needsOverride: false });
		expect(parts.firstBookableDay).toBe(dayFromToday(4));
		expect(parts.message).toContain(dayFromToday(4));
		expect(await refusal({ ...booking(small, { day }), customer: { id: 2 ** 40 } })).toMatchObject({
			code: 'customerNotFound'
		});
		expect(await refusal({ ...booking(small, { day }), vehicle: { id: store.vehicleId } })).toMatchObject({
			code: 'vehicleNotFound'
		});
		expect(await bookingWrites(db.sql)).toEqual(before);
	});

	it('slotFull: a busy slot takes one arrival; labourFull: 80% of the day; a director may override both, recorded', async () => {
		const day = dayFromToday(11);
		ok(await book(a, small, booking(small, { day, start: '08:30', ...newcomer(20) })));
		expect(await refusal(booking(small, { day, start: '08:30', ...newcomer(21) }))).toMatchObject({
			reason: 'slotFull',
			needsOverride: true
		});
		ok(await book(a, small, booking(small, { day, start: '11:00', ...newcomer(22) })));
		// 120 minutes booked of 120: nothing more, whatever the slot
		expect(await refusal(booking(small, { day, start: '13:00', jobs: ['tyres'], ...newcomer(23) }))).toMatchObject({
			reason: 'labourFull',
			needsOverride: true
		});
		const overridden = ok(
			await book(
				a,
				small,
				booking(small, { day, start: '13:00', jobs: ['tyres'], ...newcomer(23), override: { reason: '老客户返修，必须今天' } }),
				'director'
			)
		);
		expect(overridden.appointment.overridden).toBe(true);
		const [audit] = await db.sql`
			select detail, actor_label as label from audit_log where seq = ${overridden.event.seq} and store_id = ${small.id}`;
		expect(audit.label).toBe(small.users.director.username);
		expect(audit.detail.override).toEqual({ reason: '老客户返修，必须今天', needed: true });
		const [row] = await db.sql`select override_by::int as by, override_reason as reason from appointments
			where id = ${overridden.appointment.id}`;
		expect(row).toEqual({ by: small.users.director.id, reason: '老客户返修，必须今天' });
		expect(await invariantViolations(db.sql)).toEqual([]);
	});

	it('a cancelled appointment frees its labour', async () => {
		const day = dayFromToday(12);
		const first = ok(await book(a, small, booking(small, { day, start: '11:00', jobs: ['maintenance', 'tyres'], ...newcomer(30) })));
		expect(await refusal(booking(small, { day, start: '13:00', jobs: ['maintenance'], ...newcomer(31) }))).toMatchObject({
			reason: 'labourFull'
		});
		await db.sql`update appointments set status = 'cancelled' where id = ${first.appointment.id}`;
		ok(await book(a, small, booking(small, { day, start: '13:00', jobs: ['maintenance'], ...newcomer(31) })));
	});
});
