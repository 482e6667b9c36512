/**
 * The day's call lists (issue #7) over a store's vehicles and appointments, as reminders.ts says:
 * the reminder message 13 days before the service is due, the reminder call 11 days before, the
 * second call for the undecided only, the confirmation call 2 days before a tentative appointment,
 * the follow-up call after a handover and the call to reschedule a no-show; ticking an entry off
 * takes it off the list (once), and a message goes to the outbox.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { cleanup } from '../helpers/apps';
import { addDays } from '$lib/domain/calendar';
import { bookAppointment } from '$lib/server/appointments/book';
import { bookCommand } from '$lib/server/appointments/command';
import { markNoShow } from '$lib/server/appointments/lifecycle';
import * as calls from '$lib/server/calls/lists';
import { tick } from '$lib/server/calls/tick';
import { dispatch, useChannel, type MessageChannel } from '$lib/server/calls/channel';
import { actorOf, addBookingStore, booking, dayFromToday, newKey, newcomer, type BookingStore } from '../appointments/world';

const opened = cleanup();
let db: TestDatabase;
let store: BookingStore;
const today = dayFromToday(0);
const actor = { userId: null, label: 'service-test', source: 'test' };

/** A car whose next service (5,000 km at 40 km a day: 125 days after the last) is `dueIn` days away. */
async function carDueIn(dueIn: number, n: number) {
	const { customer, vehicle } = newcomer(500 + n);
	const [c] = await db.sql<{ id: number }[]>`
		insert into customers (store_id, name, surname, title, phone)
		values (${store.id}, ${customer.surname + '某'}, ${customer.surname}, ${customer.title}, ${customer.phone}) returning id::int`;
	const [v] = await db.sql<{ id: number }[]>`
		insert into vehicles (store_id, customer_id, plate, model, last_service_on, last_service_km, mileage_km)
		values (${store.id}, ${c.id}, ${vehicle.plate}, ${vehicle.model}, ${addDays(today, dueIn - 125)}, 20000, 24000)
		returning id::int`;
	return { customerId: c.id, vehicleId: v.id, due: addDays(today, dueIn) };
}

const ids = (entries: { vehicleId: number }[]) => entries.map((e) => e.vehicleId).sort((a, b) => a - b);

beforeAll(async () => {
	db = opened.add(await createTestDatabase(), (d) => d.drop());
	store = await addBookingStore(db.sql);
});
afterAll(() => opened.run());

describe('the day’s call lists', () => {
	it('put each car and appointment on the list the rules say, and only there', async () => {
		const message = await carDueIn(13, 1);
		const call = await carDueIn(11, 2);
		const notYet = await carDueIn(20, 3);
		const undecided = await carDueIn(7, 4);
		const saidNo = await carDueIn(7, 5);
		const alreadyBooked = await carDueIn(11, 6);
		for (const [car, outcome] of [[undecided, 'undecided'], [saidNo, 'no']] as const) {
			await db.sql`
				insert into call_tasks (store_id, kind, customer_id, vehicle_id, due_on, about_on, outcome, done_at)
				values (${store.id}, 'reminderCall', ${car.customerId}, ${car.vehicleId}, ${addDays(today, -4)}, ${car.due}, ${outcome}, now() - interval '4 days')`;
		}
		const booked = (over: Parameters<typeof booking>[1]) =>
			bookAppointment(db.sql, store, bookCommand.parse(booking(store, over)), actorOf(store)).then((a) => {
				expect(a.ok).toBe(true);
				return (a as Extract<typeof a, { ok: true }>).data;
			});
		await booked({ customer: { id: alreadyBooked.customerId }, vehicle: { id: alreadyBooked.vehicleId }, day: dayFromToday(9) });
		const inTwoDays = await booked({ day: dayFromToday(2), start: '14:00' });
		const inFiveDays = await booked({ day: dayFromToday(5), start: '14:00', ...newcomer(601) });
		// a no-show yesterday, and yesterday's handover
		const missed = await booked({ day: dayFromToday(3), start: '14:15', ...newcomer(602) });
		await db.sql`update appointments set scheduled_at = scheduled_at - interval '4 days' where id = ${missed.appointment.id}`;
		expect((await markNoShow(db.sql, store, missed.appointment.id, { idempotencyKey: newKey() }, actor)).ok).toBe(true);
		const handedOver = await carDueIn(200, 7);
		const [followUp] = await db.sql<{ id: number }[]>`
			insert into call_tasks (store_id, kind, customer_id, vehicle_id, due_on, created_at)
			values (${store.id}, 'followUp', ${handedOver.customerId}, ${handedOver.vehicleId}, ${dayFromToday(2)}, now() - interval '1 day')
			returning id::int`;

		const { lists, today: day } = await calls.forDay(db.sql, store);
		expect(day).toBe(today);
		// the car called today still has its message due until the call is made (carried over)
		expect(ids(lists.message)).toEqual([message.vehicleId, call.vehicleId]);
		expect(lists.message.find((e) => e.vehicleId === message.vehicleId)).toMatchObject({
			about: message.due,
			carriedOver: false,
			customer: { phone: '13700000501' },
			dueKm: 25000
		});
		expect(lists.message.find((e) => e.vehicleId === call.vehicleId)).toMatchObject({ carriedOver: true, deadline: today });
		expect(ids(lists.reminderCall)).toEqual([call.vehicleId]);
		expect(ids(lists.secondCall)).toEqual([undecided.vehicleId]);
		expect(lists.confirmationCall.map((e) => e.appointmentId)).toEqual([inTwoDays.appointment.id]);
		expect(lists.rescheduleCall.map((e) => e.appointmentId)).toEqual([missed.appointment.id]);
		expect(lists.followUpCall.map((e) => e.taskId)).toEqual([followUp.id]);
		const everywhere = Object.values(lists).flat().map((e) => e.vehicleId);
		for (const absent of [notYet, saidNo, alreadyBooked]) expect(everywhere).not.toContain(absent.vehicleId);
		expect(everywhere).not.toContain(inFiveDays.appointment.vehicleId);

		// a day ahead: the car due in 11 days is on no list (its call is today's), the one due in 20 is not yet
		const tomorrow = await calls.forDay(db.sql, store, dayFromToday(1));
		expect(ids(tomorrow.lists.reminderCall)).toEqual([call.vehicleId]);
		expect(tomorrow.lists.reminderCall[0].carriedOver).toBe(true);
	});

	it('ticks an entry off once; a message goes to the outbox and through the channel', async () => {
		const sent: string[] = [];
		const provider: MessageChannel = { name: 'test-sms', deliver: async (m) => (sent.push(m.recipient), { status: 'sent', ref: 'biz-1' }) };
		const { lists } = await calls.forDay(db.sql, store);
		const entry = lists.message.find((e) => e.customer.phone === '13700000501')!;
		const log = vi.spyOn(console, 'info').mockImplementation(() => {});
		const first = await tick(db.sql, store, { list: 'message', vehicleId: entry.vehicleId, about: entry.about, outcome: 'sent' }, actor);
		expect(first).toMatchObject({ ok: true, data: { recorded: true } });
		const outboxId = (first as { data: { outboxId: number } }).data.outboxId;
		await dispatch(db.sql, [outboxId]);
		expect(log.mock.calls.flat().join(' ')).toMatch(/\[outbox\] sms #\d+ to 137\*\*\*\*0501 queued/);
		log.mockRestore();
		const [queued] = await db.sql`select status, recipient, body from outbox where id = ${outboxId}`;
		expect(queued).toMatchObject({ status: 'queued', recipient: '13700000501' });
		expect(queued.body).toContain(entry.vehicle.plate);
		useChannel(provider);
		await dispatch(db.sql, [outboxId]);
		useChannel();
		expect(sent).toEqual(['13700000501']);
		expect((await db.sql`select status, provider_ref from outbox where id = ${outboxId}`)[0]).toEqual({ status: 'sent', provider_ref: 'biz-1' });

		const again = await tick(db.sql, store, { list: 'message', vehicleId: entry.vehicleId, about: entry.about, outcome: 'sent' }, actor);
		expect(again).toMatchObject({ ok: true, data: { recorded: false, taskId: (first as { data: { taskId: number } }).data.taskId } });
		expect(ids((await calls.forDay(db.sql, store)).lists.message)).not.toContain(entry.vehicleId);

		const call = lists.reminderCall[0];
		expect(await tick(db.sql, store, { list: 'reminderCall', vehicleId: call.vehicleId, about: call.about, outcome: 'sent' }, actor)).toMatchObject({ ok: false, error: { code: 'invalidInput' } });
		await tick(db.sql, store, { list: 'reminderCall', vehicleId: call.vehicleId, about: call.about, outcome: 'unreached' }, actor);
		const after = await calls.forDay(db.sql, store);
		expect(after.lists.reminderCall).toEqual([]);
		// once called, its message is moot
		expect(after.lists.message).toEqual([]);
		// unreached is undecided: the second call comes (7 days before the due date, after today)
		const later = await calls.forDay(db.sql, store, addDays(call.about, -7));
		expect(ids(later.lists.secondCall)).toContain(call.vehicleId);

		const followUp = lists.followUpCall[0];
		await tick(db.sql, store, { list: 'followUpCall', taskId: followUp.taskId!, outcome: 'satisfied', note: '满意' }, actor);
		expect((await calls.forDay(db.sql, store)).lists.followUpCall).toEqual([]);
		const audits = await db.sql`select count(*)::int as n from audit_log where action = 'calls.tick' and store_id = ${store.id}`;
		expect(audits[0].n).toBe(3);
	});
});
