/**
 * Walk-ins (直接入厂, issue #7): a car here without an appointment goes straight to "in bay", on
 * the labour the store holds back; past the whole day's labour it is refused unless a director
 * overrides (recorded). One transaction with the card:created event, as a booking.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { invariantViolations, readCard } from '../helpers/boardFixture';
import { walkInCommand } from '$lib/server/appointments/command';
import { registerWalkIn, type WalkInAnswer } from '$lib/server/appointments/walkIn';
import { actorOf, addBookingStore, newcomer, newKey, type BookingStore } from './world';

let db: TestDatabase;
let store: BookingStore;

beforeAll(async () => {
	db = await createTestDatabase();
	// one technician, two hours: 96 minutes bookable by appointment, 24 held back
	store = await addBookingStore(db.sql, { technicianMinutes: [120] });
});
afterAll(() => db?.drop());

const walkIn = (n: number, jobs: string[], role: 'advisor' | 'director' = 'advisor', override?: string) =>
	registerWalkIn(
		db.sql,
		store,
		walkInCommand.parse({
			idempotencyKey: newKey('walkin'),
			...newcomer(n),
			jobs,
			...(override ? { override: { reason: override } } : {})
		}),
		actorOf(store, role)
	);

const ok = (answer: WalkInAnswer) => {
	expect(answer, JSON.stringify(answer)).toMatchObject({ ok: true });
	return (answer as Extract<WalkInAnswer, { ok: true }>).data;
};

describe('a walk-in', () => {
	it('goes straight to in bay with no appointment, its work order and parts, one event and one audit row', async () => {
		const done = ok(await walkIn(1, ['maintenance']));
		expect(done.event).toMatchObject({ type: 'card:created', appointmentId: null });
		const card = await readCard(db.sql, done.walkIn.cardId);
		expect(card).toMatchObject({ column: 'inBay', walkIn: true, version: 1, jobSummary: '常规保养' });
		expect(done.event.card).toEqual(card);
		const [items] = await db.sql<{ n: number; minutes: number }[]>`
			select count(*)::int as n, sum(labour_minutes)::int as minutes from card_job_items
			where card_id = ${done.walkIn.cardId}`;
		expect(items).toEqual({ n: 1, minutes: 60 });
		const [audit] = await db.sql<{ action: string; seq: number }[]>`
			select action, seq::int from audit_log where card_id = ${done.walkIn.cardId}`;
		expect(audit).toEqual({ action: 'walkIn.register', seq: done.event.seq });
		expect(await invariantViolations(db.sql)).toEqual([]);
	});

	it('uses the held-back labour, then the rest of the day; past the whole day only a director may add one, recorded', async () => {
		// 60 minutes are on the day already (the walk-in above); 60 more fill its two hours
		ok(await walkIn(2, ['maintenance']));
		const refused = await walkIn(3, ['tyres']);
		expect(refused).toMatchObject({ ok: false, error: { code: 'bookingRefused', reason: 'labourFull' } });
		const before = await db.sql`select id from cards`;
		expect(before).toHaveLength(2);
		const overridden = ok(await walkIn(3, ['tyres'], 'director', '客户车辆故障无法行驶'));
		expect(overridden.walkIn.overridden).toBe(true);
		const [audit] = await db.sql<{ detail: { override: { reason: string; needed: boolean } } }[]>`
			select detail from audit_log where card_id = ${overridden.walkIn.cardId}`;
		expect(audit.detail.override).toEqual({ reason: '客户车辆故障无法行驶', needed: true });
		expect(await invariantViolations(db.sql)).toEqual([]);
	});

	it('is applied once for a retried key, and refuses a job type the store does not have', async () => {
		const key = newKey('walkin-retry');
		const command = walkInCommand.parse({ idempotencyKey: key, ...newcomer(4), jobs: ['maintenance'], override: { reason: '重试' } });
		const first = ok(await registerWalkIn(db.sql, store, command, actorOf(store, 'director')));
		const second = ok(await registerWalkIn(db.sql, store, command, actorOf(store, 'director')));
		expect(second).toEqual({ ...first, replayed: true });
		expect(await walkIn(5, ['teleport'])).toMatchObject({ ok: false, error: { reason: 'unknownJobType' } });
	});
});
