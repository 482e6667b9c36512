/**
 * A booking starts prep (issue #7): the card's work order items from the booked job types, and its
 * parts slip — parts the shelf holds are reserved (taken off parts.on_hand), the rest are to order
 * with their lead time and the card waits for parts — in the booking's transaction.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { invariantViolations, readCard } from '../helpers/boardFixture';
import { cleanup } from '../helpers/apps';
import { bookAppointment, type BookingAnswer } from '$lib/server/appointments/book';
import { bookCommand } from '$lib/server/appointments/command';
import { cancel, reschedule } from '$lib/server/appointments/lifecycle';
import * as slots from '$lib/server/appointments/slots';
import { firstBookableDay } from '$lib/domain/capacity';
import { actorOf, addBookingStore, booking, dayFromToday, newKey, newcomer, type BookingStore } from './world';

const opened = cleanup();
let db: TestDatabase;
let store: BookingStore;

beforeAll(async () => {
	db = opened.add(await createTestDatabase(), (d) => d.drop());
	store = await addBookingStore(db.sql);
	await db.sql`
		insert into parts (store_id, part_no, name, on_hand, lead_days) values
			(${store.id}, 'OF-1', '机油滤清器', 1, 3),
			(${store.id}, 'OIL-4', '机油 4L', 10, 2),
			(${store.id}, 'BP-F', '前刹车片', 0, 4)`;
	await db.sql`
		insert into job_type_parts (store_id, job_type_id, part_no, quantity)
		select ${store.id}, j.id, p.part_no, p.quantity
		from job_types j join (values ('maintenance', 'OF-1', 1), ('maintenance', 'OIL-4', 2),
			('brakePads', 'BP-F', 1)) as p(code, part_no, quantity) on p.code = j.code
		where j.store_id = ${store.id}`;
});
afterAll(() => opened.run());

const book = async (over: Parameters<typeof booking>[1]) =>
	bookAppointment(db.sql, store, bookCommand.parse(booking(store, over)), actorOf(store));

const ok = (answer: BookingAnswer) => {
	expect(answer, JSON.stringify(answer)).toMatchObject({ ok: true });
	return (answer as Extract<BookingAnswer, { ok: true }>).data;
};

const stock = async () =>
	Object.fromEntries(
		(await db.sql<{ part_no: string; on_hand: number }[]>`
			select part_no, on_hand from parts where store_id = ${store.id}`).map((p) => [p.part_no, p.on_hand])
	);

const slip = (cardId: number) =>
	db.sql`select part_no as "partNo", quantity, status, lead_days as "leadDays" from card_parts
		where card_id = ${cardId} order by part_no`;

describe('booking reserves the parts', () => {
	it('takes what the shelf holds and writes the work order items', async () => {
		const first = ok(await book({ day: dayFromToday(6), start: '11:00', jobs: ['maintenance'] }));
		expect(await slip(first.appointment.cardId)).toEqual([
			{ partNo: 'OF-1', quantity: 1, status: 'reserved', leadDays: 3 },
			{ partNo: 'OIL-4', quantity: 2, status: 'reserved', leadDays: 2 }
		]);
		expect(await stock()).toEqual({ 'OF-1': 0, 'OIL-4': 8, 'BP-F': 0 });
		expect(first.event.card.partsWaiting).toBe(false);
		const items = await db.sql`
			select description, labour_minutes as minutes, extra from card_job_items where card_id = ${first.appointment.cardId}`;
		expect(items).toEqual([{ description: '常规保养', minutes: 60, extra: false }]);
		const [audit] = await db.sql`select detail from audit_log where seq = ${first.event.seq} and store_id = ${store.id}`;
		expect(audit.detail.parts).toHaveLength(2);
	});

	it('orders what the shelf does not hold: the card waits for parts, and an early day is refused with the first day it can be', async () => {
		// OF-1 is gone: the next maintenance must wait for its lead time (3 workdays)
		const early = await book({ day: dayFromToday(1), start: '11:00', jobs: ['maintenance'], ...newcomer(1) });
		const first = firstBookableDay([{ inStock: false, leadDays: 3 }], dayFromToday(0), { closedWeekdays: [], holidays: [], adjustedWorkdays: [] });
		expect(early).toMatchObject({ ok: false, error: { reason: 'partsNotInTime', firstBookableDay: first } });
		expect(await stock()).toEqual({ 'OF-1': 0, 'OIL-4': 8, 'BP-F': 0 });

		const later = ok(await book({ day: dayFromToday(8), start: '11:00', jobs: ['maintenance', 'brakePads'], ...newcomer(2) }));
		expect(await slip(later.appointment.cardId)).toEqual([
			{ partNo: 'BP-F', quantity: 1, status: 'toOrder', leadDays: 4 },
			{ partNo: 'OF-1', quantity: 1, status: 'toOrder', leadDays: 3 },
			{ partNo: 'OIL-4', quantity: 2, status: 'reserved', leadDays: 2 }
		]);
		expect(later.event.card.partsWaiting).toBe(true);
		expect(await readCard(db.sql, later.appointment.cardId)).toMatchObject({ partsWaiting: true });
		expect(await stock()).toEqual({ 'OF-1': 0, 'OIL-4': 6, 'BP-F': 0 });

		// cancelled: what it reserved goes back on the shelf, nothing it never had
		const cancelled = await cancel(db.sql, store, later.appointment.id, { idempotencyKey: newKey(), reason: '客户取消' }, { userId: null, label: 'test', source: 'test' });
		expect(cancelled).toMatchObject({ ok: true, data: { parts: { returned: [{ partNo: 'OIL-4', quantity: 2 }], stillOrdered: [] } } });
		expect(await stock()).toEqual({ 'OF-1': 0, 'OIL-4': 8, 'BP-F': 0 });
	});

	it('two bookings for the last filter at once: one reserves it, the other orders one', async () => {
		await db.sql`update parts set on_hand = 1 where store_id = ${store.id} and part_no = 'OF-1'`;
		const [x, y] = await Promise.all([
			book({ day: dayFromToday(9), start: '11:00', jobs: ['maintenance'], ...newcomer(3) }),
			book({ day: dayFromToday(10), start: '11:00', jobs: ['maintenance'], ...newcomer(4) })
		]);
		const cards = [ok(x).appointment.cardId, ok(y).appointment.cardId];
		const statuses = (await db.sql<{ status: string }[]>`
			select status from card_parts where card_id = any(${cards}::bigint[]) and part_no = 'OF-1'`).map((r) => r.status).sort();
		expect(statuses).toEqual(['reserved', 'toOrder']);
		expect((await stock())['OF-1']).toBe(0);
		expect(await invariantViolations(db.sql)).toEqual([]);
	});

	it('rescheduling counts the card’s own reserved parts as its own: a near day is open to it, not to a new booking', async () => {
		await db.sql`update parts set on_hand = 1 where store_id = ${store.id} and part_no = 'BP-F'`;
		const booked = ok(await book({ day: dayFromToday(12), start: '11:00', jobs: ['brakePads'], ...newcomer(5) }));
		expect(await slip(booked.appointment.cardId)).toEqual([{ partNo: 'BP-F', quantity: 1, status: 'reserved', leadDays: 4 }]);
		const near = dayFromToday(1);
		const forNew = await slots.list(db.sql, store, { day: near, jobs: ['brakePads'] });
		expect(forNew.dayRefusal).toMatchObject({ reason: 'partsNotInTime' });
		const forIt = await slots.list(db.sql, store, { day: near, jobs: ['brakePads'], appointment: booked.appointment.id });
		expect(forIt.dayRefusal).toBeNull();
		const moved = await reschedule(db.sql, store, booked.appointment.id, { idempotencyKey: newKey(), day: near, start: '14:00' }, { userId: null, label: 'test', source: 'test' });
		expect(moved).toMatchObject({ ok: true, data: { appointment: { day: near, start: '14:00' } } });
		// the slot it left is free again; the one it took counts it once
		const left = await slots.list(db.sql, store, { day: dayFromToday(12), jobs: ['maintenance'] });
		expect(left.slots.find((s) => s.time === '11:00')).toMatchObject({ booked: 0 });
		const took = await slots.list(db.sql, store, { day: near, jobs: ['maintenance'], appointment: booked.appointment.id });
		expect(took.slots.find((s) => s.time === '14:00')).toMatchObject({ booked: 0 });
	});
});
