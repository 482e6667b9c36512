/**
 * The booking API as production serves it (the built app: `npx vite build` first): strict input,
 * precise refusals (400 / 403 / 404 / 422 with the capacity rule's reason) that write nothing but
 * their refusal audit row, the slots and customer look-ups, and the last-slot race over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisUrl } from '../../adminUrl';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { invariantViolations } from '../helpers/boardFixture';
import { cleanup } from '../helpers/apps';
import { connectSocket, nextEvent, type BoardSocket } from '../helpers/clients';
import { requireRedis } from '../helpers/processes';
import { startWebApp, type WebApp } from '../helpers/authWorld';
import { addBookingStore, booking, bookingWrites, dayFromToday, newcomer, newKey, type BookingStore } from './world';

const opened = cleanup();
let db: TestDatabase;
let web: WebApp;
let store: BookingStore;

beforeAll(async () => {
	await requireRedis(redisUrl);
	db = opened.add(await createTestDatabase(), (d) => d.drop());
	store = await addBookingStore(db.sql, { technicianMinutes: [150] });
	web = opened.add(await startWebApp({ name: 'inst-book', databaseUrl: db.url, redisUrl }), (w) => w.stop());
}, 120_000);
afterAll(() => opened.run());

type Role = 'advisor' | 'director' | 'service' | 'parts';

async function post(body: unknown, role: Role = 'advisor', headers: Record<string, string> = {}) {
	const response = await fetch(`${web.url}/api/stores/${store.slug}/appointments`, {
		method: 'POST',
		headers: { cookie: store.users[role].cookie, origin: web.url, 'content-type': 'application/json', ...headers },
		body: typeof body === 'string' ? body : JSON.stringify(body)
	});
	return { status: response.status, body: (await response.json()) as Record<string, any> };
}

const get = async (path: string, role: Role = 'advisor') => {
	const response = await fetch(`${web.url}/api/stores/${store.slug}/${path}`, {
		headers: { cookie: store.users[role].cookie }
	});
	return { status: response.status, body: (await response.json()) as Record<string, any> };
};

describe('POST /api/stores/:store/appointments', () => {
	it('books, answers after commit, and the store’s screens get card:created', async () => {
		const screen = opened.add(
			await connectSocket(web.url, { slug: store.slug, cookie: store.users.parts.cookie }),
			(s: BoardSocket) => s.close()
		);
		const heard = nextEvent(screen, 'card:created');
		const { status, body } = await post(booking(store, { day: dayFromToday(3), start: '11:00' }), 'service');
		expect(status, JSON.stringify(body)).toBe(200);
		expect(body).toMatchObject({ replayed: false, appointment: { status: 'tentative', tier: 'idle', priceFactorPercent: 90 } });
		expect(await heard).toEqual(body.event);
		// booked by customer service: no advisor on the card yet
		expect(body.event.card).toMatchObject({ column: 'prep', advisor: null });
	});

	it('refuses bad input precisely, and writes nothing', async () => {
		const before = await bookingWrites(db.sql);
		const valid = booking(store, { day: dayFromToday(4) });
		const cases: [unknown, string][] = [
			['{not json', 'body is not JSON'],
			[[valid], 'body must be a JSON object'],
			[{ ...valid, extra: 1 }, 'Unrecognized key'],
			[{ ...valid, day: '2026-02-30' }, 'day'],
			[{ ...valid, start: '25:00' }, 'start'],
			[{ ...valid, jobs: [] }, 'jobs'],
			[{ ...valid, jobs: ['maintenance', 'maintenance'] }, 'each job type once'],
			[{ ...valid, jobs: Array(11).fill('x') }, 'jobs'],
			[{ ...valid, channel: 'fax' }, 'channel'],
			[{ ...valid, idempotencyKey: 'short' }, 'idempotencyKey'],
			[{ ...valid, ...newcomer(1), customer: { surname: '李', title: '女士', phone: '021-58881234' } }, 'customer'],
			[{ ...valid, ...newcomer(1), vehicle: { plate: 'ABC123', model: '朗逸' } }, 'vehicle'],
			[{ ...valid, customer: { surname: 'x'.repeat(5000), title: '先生', phone: '13800000000' } }, 'larger than'],
			[{ ...valid, vehicle: { id: store.vehicleId, plate: '沪A12345' } }, 'vehicle']
		];
		for (const [body, message] of cases) {
			const answer = await post(body);
			expect(answer.status, JSON.stringify([body, answer.body]).slice(0, 300)).toBe(400);
			expect(answer.body.error.code).toBe('invalidInput');
			expect(answer.body.error.message).toContain(message);
		}
		// a plate already on file is booked by its vehicle id
		const taken = await post({ ...valid, ...newcomer(2), vehicle: { plate: '沪a 12345', model: '帕萨特' } });
		expect(taken.status).toBe(400);
		expect(taken.body.error.message).toContain(`vehicle ${store.vehicleId}`);
		expect(await bookingWrites(db.sql)).toEqual(before);
	});

	it('answers a capacity refusal with 422 and the rule, and a director override with 403 for anyone else', async () => {
		const before = await bookingWrites(db.sql);
		const past = await post(booking(store, { day: dayFromToday(-2) }));
		expect(past).toMatchObject({ status: 422, body: { error: { code: 'bookingRefused', reason: 'dateInPast' } } });
		const early = await post(booking(store, { day: dayFromToday(4), start: '06:00' }));
		expect(early.body.error).toMatchObject({ reason: 'outsideOpeningHours' });
		const notQuick = await post(booking(store, { day: dayFromToday(4), jobs: ['bodyRepair'] }));
		expect(notQuick.body.error).toMatchObject({ reason: 'jobTypeNotQuick', jobType: 'bodyRepair' });
		const override = await post(booking(store, { day: dayFromToday(4), override: { reason: '试试' } }), 'advisor');
		expect(override).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
		const parts = await post(booking(store, { day: dayFromToday(4) }), 'parts');
		expect(parts).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
		const foreign = await post(booking(store, { day: dayFromToday(4) }), 'advisor', { origin: 'https://evil.example' });
		expect(foreign.status).toBe(403);
		expect(await bookingWrites(db.sql)).toEqual(before);
		// each refusal left its refusal audit row
		const refused = await db.sql`
			select detail ->> 'code' as code, detail ->> 'reason' as reason from audit_log
			where store_id = ${store.id} and outcome = 'refused' and action = 'appointment:book'`;
		expect(refused.map((r) => r.reason).filter(Boolean)).toEqual(
			expect.arrayContaining(['dateInPast', 'outsideOpeningHours', 'jobTypeNotQuick'])
		);
	});

	it('N bookings over HTTP for the last hour: one 200, the rest 422 labourFull', async () => {
		const day = dayFromToday(15);
		// 120 minutes bookable: one hour booked, one left
		expect((await post(booking(store, { day, start: '12:00', ...newcomer(100) }))).status).toBe(200);
		const starts = ['11:00', '11:15', '11:30', '11:45', '13:00', '13:15'];
		const answers = await Promise.all(
			starts.map((start, i) => post(booking(store, { day, start, ...newcomer(101 + i) }), i % 2 ? 'service' : 'advisor'))
		);
		expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
		for (const a of answers.filter((a) => a.status !== 200)) {
			expect(a).toMatchObject({ status: 422, body: { error: { reason: 'labourFull', needsOverride: true } } });
		}
		expect(await invariantViolations(db.sql)).toEqual([]);
	});

	it('a retry with the same key gets the first answer, replayed', async () => {
		const command = booking(store, { day: dayFromToday(16), idempotencyKey: newKey('http-retry') });
		const first = await post(command);
		const second = await post(command);
		expect(first.status).toBe(200);
		expect(second).toMatchObject({ status: 200, body: { replayed: true, appointment: first.body.appointment, event: first.body.event } });
	});
});

describe('the booking screen’s reads', () => {
	it('GET slots: every slot with tier, quota, price and why not; the day’s labour; the job types', async () => {
		const day = dayFromToday(17);
		await post(booking(store, { day, start: '08:30' }));
		const { status, body } = await get(`slots?day=${day}&jobs=maintenance`);
		expect(status).toBe(200);
		expect(body.labour).toMatchObject({ totalMinutes: 150, appointmentMinutes: 120, bookedAppointmentMinutes: 60 });
		const at = (time: string) => body.slots.find((s: { time: string }) => s.time === time);
		expect(at('08:30')).toMatchObject({ tier: 'busy', available: false, unavailable: { reason: 'slotFull' } });
		expect(at('11:00')).toMatchObject({ tier: 'idle', available: true, recommended: true, priceFactorPercent: 90 });
		expect(body.slots).toHaveLength(36);
		expect(body.jobTypes.map((t: { code: string }) => t.code)).toContain('brakePads');
		const tooMuch = await get(`slots?day=${day}&jobs=maintenance,brakePads`);
		expect(tooMuch.body.slots.every((s: { available: boolean }) => !s.available)).toBe(true);
		expect((await get(`slots?day=nope&jobs=maintenance`)).status).toBe(400);
		expect((await get(`slots?day=${day}&jobs=maintenance`, 'parts')).status).toBe(403);
	});

	it('GET customers by phone or by plate, however typed; staff who see the board may', async () => {
		const byPhone = await get('customers?phone=139-1234-5678', 'parts');
		expect(byPhone.status).toBe(200);
		expect(byPhone.body.customers).toEqual([
			expect.objectContaining({ id: store.customerId, surname: '王', title: '先生', vehicles: [expect.objectContaining({ plate: '沪A·12345' })] })
		]);
		const byPlate = await get(`customers?plate=${encodeURIComponent('沪a12345')}`);
		expect(byPlate.body.customers.map((c: { id: number }) => c.id)).toEqual([store.customerId]);
		expect((await get('customers?phone=13000000000')).body.customers).toEqual([]);
		expect((await get('customers?phone=1&plate=2')).status).toBe(400);
	});
});

describe('POST /api/stores/:store/appointments/:appointment/{confirm,reschedule,cancel,no-show}', () => {
	const change = async (id: number | string, verb: string, body: unknown, role: Role = 'service') => {
		const response = await fetch(`${web.url}/api/stores/${store.slug}/appointments/${id}/${verb}`, {
			method: 'POST',
			headers: { cookie: store.users[role].cookie, origin: web.url, 'content-type': 'application/json' },
			body: typeof body === 'string' ? body : JSON.stringify(body)
		});
		return { status: response.status, body: (await response.json()) as Record<string, any> };
	};

	it('confirms, reschedules and cancels, each broadcast after commit; refuses precisely', async () => {
		const booked = await post(booking(store, { day: dayFromToday(20), start: '11:00', ...newcomer(300) }));
		expect(booked.status).toBe(200);
		const id = booked.body.appointment.id;
		const screen = opened.add(
			await connectSocket(web.url, { slug: store.slug, cookie: store.users.parts.cookie }),
			(s: BoardSocket) => s.close()
		);

		const heardConfirm = nextEvent(screen, 'card:updated');
		const confirmed = await change(id, 'confirm', { idempotencyKey: newKey(), call: {} });
		expect(confirmed).toMatchObject({ status: 200, body: { appointment: { status: 'confirmed' }, event: { kind: 'appointmentConfirmed' } } });
		expect(await heardConfirm).toEqual(confirmed.body.event);

		const full = dayFromToday(21);
		expect((await post(booking(store, { day: full, start: '11:00', jobs: ['brakePads'], ...newcomer(301) }))).status).toBe(200);
		const refused = await change(id, 'reschedule', { idempotencyKey: newKey(), day: full, start: '14:00' });
		expect(refused).toMatchObject({ status: 422, body: { error: { code: 'bookingRefused', reason: 'labourFull' } } });
		const moved = await change(id, 'reschedule', { idempotencyKey: newKey(), day: dayFromToday(22), start: '14:00' });
		expect(moved).toMatchObject({ status: 200, body: { appointment: { day: dayFromToday(22), start: '14:00', status: 'tentative' } } });

		const heardCancel = nextEvent(screen, 'card:archived');
		const cancelled = await change(id, 'cancel', { idempotencyKey: newKey(), reason: '客户取消' }, 'advisor');
		expect(cancelled).toMatchObject({ status: 200, body: { appointment: { status: 'cancelled' }, event: { type: 'card:archived', reason: 'cancelled' } } });
		expect(await heardCancel).toEqual(cancelled.body.event);

		const cases: [number | string, string, unknown, Role, number, string][] = [
			[id, 'cancel', { idempotencyKey: newKey() }, 'advisor', 400, 'reason'],
			[id, 'cancel', { idempotencyKey: newKey(), reason: 'x', extra: 1 }, 'advisor', 400, 'Unrecognized key'],
			[id, 'reschedule', { idempotencyKey: newKey(), day: '2026-13-01', start: '10:00' }, 'advisor', 400, 'day'],
			['abc', 'confirm', { idempotencyKey: newKey() }, 'service', 400, 'not an id'],
			[id, 'confirm', '{nope', 'service', 400, 'not JSON'],
			[id, 'confirm', { idempotencyKey: newKey() }, 'parts', 403, 'may not'],
			[id, 'reschedule', { idempotencyKey: newKey(), day: dayFromToday(23), start: '11:00', override: { reason: 'x' } }, 'service', 403, 'technical director'],
			[999999999, 'confirm', { idempotencyKey: newKey() }, 'service', 404, 'not an appointment of this store'],
			[id, 'confirm', { idempotencyKey: newKey() }, 'service', 422, 'cancelled'],
			[id, 'no-show', { idempotencyKey: newKey() }, 'service', 422, 'cancelled']
		];
		for (const [target, verb, body, role, status, message] of cases) {
			const answer = await change(target, verb, body, role);
			expect(answer.status, JSON.stringify([verb, body, answer.body])).toBe(status);
			expect(answer.body.error.message).toContain(message);
		}
		expect(await invariantViolations(db.sql)).toEqual([]);
	});
});
