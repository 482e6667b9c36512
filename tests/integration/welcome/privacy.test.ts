/**
 * The welcome board faces customers: what its page receives for the demo store must name nobody
 * in full and carry no full plate and no phone number; and "today" is the store's own day,
 * computed from the clock the server is given (fixed here), not from the database's now().
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { seedDemo } from '../../../src/lib/server/db/seed';
import * as stores from '../../../src/lib/server/db/stores';
import * as welcome from '../../../src/lib/server/db/welcome';
import { WELCOME_STATUSES } from '../../../src/lib/domain/welcome';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

/** Tuesday 10 March 2026, 10:30 in Shanghai */
const now = new Date('2026-03-10T02:30:00.000Z');
/** local midnight of that day in Shanghai (UTC+8) */
const midnight = Date.parse('2026-03-09T16:00:00.000Z');
const MIN = 60_000;

const row = z.strictObject({
	id: z.number().int().positive(),
	surname: z.string().regex(/^\p{Script=Han}{1,2}$/u),
	title: z.enum(['先生', '女士', '']),
	plate: z.string().regex(/^\p{Script=Han}[A-Z]·\*\*\*[0-9A-Z]{2}$/u),
	time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
	status: z.enum(WELCOME_STATUSES)
});
const board = z.strictObject({
	today: z.string().regex(/^\d{4}-\d\d-\d\d$/),
	head: z.number().int().min(0),
	readAt: z.number().int(),
	rows: z.array(row)
});

describe('the welcome board of the demo store', () => {
	let db: TestDatabase;
	let store: stores.Store;

	beforeAll(async () => {
		db = await createTestDatabase();
		await seedDemo(db.sql, { now });
		store = (await stores.readBySlug(db.sql, 'demo'))!;
	});
	afterAll(async () => {
		await db?.drop();
	});

	it('sends no full plate, phone number or full name, only the four fields per row', async () => {
		const data = board.parse(await welcome.read(db.sql, store, now));
		expect(data.rows.length).toBeGreaterThan(20);
		// what the page's load returns, as the browser would receive it
		const page = JSON.stringify({
			store: { slug: store.slug, name: store.name, timeZone: store.timeZone },
			screen: true,
			...data
		});

		const vehicles = await db.sql<{ plate: string }[]>`
			select plate from vehicles where store_id = ${store.id}`;
		const customers = await db.sql<{ name: string; surname: string; phone: string }[]>`
			select name, surname, phone from customers where store_id = ${store.id}`;
		for (const { plate } of vehicles) {
			expect(page).not.toContain(plate);
			expect(page).not.toContain(plate.replace('·', ''));
		}
		for (const { name, surname, phone } of customers) {
			expect(page).not.toContain(phone);
			expect(page).not.toContain(phone.slice(-8));
			if (name !== surname) expect(page).not.toContain(name);
		}
		// a mobile number anywhere (not inside a longer number, such as the read time in ms)
		expect(page).not.toMatch(/(?<!\d)1[3-9]\d{9}(?!\d)/);
	});

	it("lists today's appointments in arrival order, with the status their cards say", async () => {
		const data = await welcome.read(db.sql, store, now);
		expect(data.today).toBe('2026-03-10');
		expect(data.readAt).toBe(now.getTime());
		const times = data.rows.map((r) => r.time);
		expect(times).toEqual([...times].sort());

		const expected = await db.sql<{ id: number; column: string | null }[]>`
			select a.id::int as id, c.board_column as column
			from appointments a left join cards c on c.appointment_id = a.id and c.archived_at is null
			where a.store_id = ${store.id} and a.status not in ('cancelled', 'noShow', 'done')
				and a.scheduled_at >= ${new Date(midnight)}
				and a.scheduled_at < ${new Date(midnight + 1440 * MIN)}`;
		expect(data.rows.map((r) => r.id).sort((a, b) => a - b)).toEqual(
			expected.map((r) => r.id).sort((a, b) => a - b)
		);
		const statusOf = new Map(data.rows.map((r) => [r.id, r.status]));
		for (const { id, column } of expected) {
			const want =
				column === 'handover'
					? 'ready'
					: column === 'inBay' || column === 'qc' || column === 'wash'
						? 'inService'
						: 'expected';
			expect(statusOf.get(id)).toBe(want);
		}
		// the demo day has all of them: booked customers still to come, cars in the bays, cars ready
		const statuses = new Set(data.rows.map((r) => r.status));
		expect(statuses).toEqual(new Set(['expected', 'inService', 'ready']));
	});

	it("is the store's own day, midnight to midnight, without the cancelled and absent", async () => {
		const [vehicle] = await db.sql<{ id: number; customerId: number }[]>`
			select id::int as id, customer_id::int as "customerId" from vehicles
			where store_id = ${store.id} order by id desc limit 1`;
		const book = async (at: number, status = 'confirmed') => {
			const [{ id }] = await db.sql<{ id: number }[]>`
				insert into appointments
					(store_id, customer_id, vehicle_id, scheduled_at, channel, status, job_summary)
				values (${store.id}, ${vehicle.customerId}, ${vehicle.id}, ${new Date(at)}, 'phone',
					${status}, '保养')
				returning id::int as id`;
			return id;
		};
		const lastOfYesterday = await book(midnight - MIN);
		const firstOfToday = await book(midnight);
		const lastOfToday = await book(midnight + 1439 * MIN);
		const firstOfTomorrow = await book(midnight + 1440 * MIN);
		const cancelled = await book(midnight + 600 * MIN, 'cancelled');
		const noShow = await book(midnight + 540 * MIN, 'noShow');
		const arrived = await book(midnight + 570 * MIN, 'arrived');

		const ids = async (at: Date) => (await welcome.read(db.sql, store, at)).rows.map((r) => r.id);
		const today = await ids(now);
		expect(today).toContain(firstOfToday);
		expect(today).toContain(lastOfToday);
		expect(today).not.toContain(lastOfYesterday);
		expect(today).not.toContain(firstOfTomorrow);
		expect(today).not.toContain(cancelled);
		expect(today).not.toContain(noShow);
		const rows = (await welcome.read(db.sql, store, now)).rows;
		expect(rows[0]).toMatchObject({ id: firstOfToday, time: '00:00', status: 'expected' });
		expect(rows.at(-1)).toMatchObject({ id: lastOfToday, time: '23:59' });
		// arrived at reception, no card on the board yet: waiting
		expect(rows.find((r) => r.id === arrived)).toMatchObject({ time: '09:30', status: 'arrived' });

		// one minute before the store's midnight it is still yesterday there; at midnight, today
		expect(await ids(new Date(midnight - 1))).toContain(lastOfYesterday);
		expect(await ids(new Date(midnight))).toContain(firstOfToday);

		// the same instant is another day in another time zone: just past Shanghai's midnight it is
		// still 16:00 on the 9th in UTC, and both of those appointments fall on that day
		const inUtc = await welcome.read(db.sql, { ...store, timeZone: 'UTC' }, new Date(midnight + 1));
		expect(inUtc.today).toBe('2026-03-09');
		const utcIds = inUtc.rows.map((r) => r.id);
		expect(utcIds).toEqual(expect.arrayContaining([lastOfYesterday, firstOfToday]));
		expect(inUtc.rows.find((r) => r.id === firstOfToday)?.time).toBe('16:00');
		const booked = [lastOfYesterday, firstOfToday, lastOfToday, firstOfTomorrow, arrived];
		await db.sql`delete from appointments where id = any(${[...booked, cancelled, noShow]}::bigint[])`;
	});
});
