/**
 * Migration 00003 and the code agree: a store already in the field gets the same job types and
 * shifts as provisionBooking() gives a new one, those job types are capacity.ts's defaults, and a
 * store with no settings of its own books by defaultCapacityRules.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { connect } from '$lib/server/db/connect';
import { defaultCapacityRules } from '$lib/domain/capacity';
import { DEFAULT_JOB_TYPES, DEFAULT_SHIFT_MINUTES, provisionBooking } from '$lib/server/appointments/provision';
import * as rules from '$lib/server/appointments/rules';
import { adminDatabaseUrl, databaseUrl } from '../../adminUrl';
import { cleanup } from '../helpers/apps';

const opened = cleanup();
const name = `wb_t_mig_${process.pid}`;
const url = databaseUrl(name);
const migrations = fileURLToPath(new URL('../../../db/migrations/', import.meta.url));

beforeAll(async () => {
	const admin = connect(adminDatabaseUrl, 1);
	await admin`drop database if exists ${admin(name)} with (force)`;
	await admin`create database ${admin(name)}`;
	await admin.end();
	opened.add(name, async () => {
		const a = connect(adminDatabaseUrl, 1);
		await a`drop database if exists ${a(name)} with (force)`;
		await a.end();
	});
});
afterAll(() => opened.run());

describe('migration 00003 on a database already in use', () => {
	it('gives existing stores the job types and shifts a new store gets', async () => {
		const sql = opened.add(connect(url, 2), (s) => s.end({ timeout: 5 }));
		// the field as it is: 00001 and 00002 applied, a store with a technician and an appointment
		for (const file of ['00001_init.sql', '00002_auth.sql']) {
			await sql.unsafe(await readFile(migrations + file, 'utf8'));
		}
		const setUp = async () => {
			const [group] = await sql`insert into dealer_groups (name) values ('g') returning id`;
			const [store] = await sql`insert into stores (group_id, slug, name) values (${group.id}, ${'s' + group.id}, 's') returning id::int`;
			const [user] = await sql`insert into users (username, display_name) values (${'t' + group.id}, 't') returning id`;
			await sql`insert into store_roles (user_id, store_id, role) values (${user.id}, ${store.id}, 'technician')`;
			return store.id as number;
		};
		const old = await setUp();
		await sql.unsafe(await readFile(migrations + '00003_appointments.sql', 'utf8'));
		const fresh = await setUp();
		await provisionBooking(sql, fresh);

		const of = async (storeId: number) => ({
			types: await sql`select code, name, labour_minutes, quick_bookable, list_price_fen from job_types
				where store_id = ${storeId} order by code`,
			shifts: await sql`select weekday, minutes from technician_shifts where store_id = ${storeId} order by weekday`
		});
		const [a, b] = [await of(old), await of(fresh)];
		expect(a.types).toEqual(b.types);
		expect(a.shifts).toEqual(b.shifts);
		expect(b.shifts).toHaveLength(7);
		expect(b.shifts.every((s) => s.minutes === DEFAULT_SHIFT_MINUTES)).toBe(true);

		// the job types are capacity.ts's defaults, and a store without settings books by its rules
		const defaults = defaultCapacityRules({ timeZone: 'Asia/Shanghai', closedWeekdays: [], holidays: [], adjustedWorkdays: [] });
		expect(Object.fromEntries(DEFAULT_JOB_TYPES.map((t) => [t.code, { labourMinutes: t.labourMinutes, quickBookable: t.quickBookable }]))).toEqual(defaults.jobTypes);
		const read = await rules.read(sql, { id: old, timeZone: 'Asia/Shanghai' });
		expect(read.capacity).toEqual(defaults);

		// a store's own settings override the defaults, and a bad one says where it is
		await sql`insert into store_booking_rules (store_id, capacity) values (${old}, ${sql.json({ heldBackPercent: 30, closedWeekdays: [7] })})`;
		await sql`insert into store_calendar_days (store_id, day, kind) values (${old}, '2027-02-06', 'holiday'), (${old}, '2027-02-14', 'workday')`;
		const own = await rules.read(sql, { id: old, timeZone: 'Asia/Shanghai' });
		expect(own.capacity).toMatchObject({
			heldBackPercent: 30,
			slotMinutes: 15,
			calendar: { closedWeekdays: [7], holidays: ['2027-02-06'], adjustedWorkdays: ['2027-02-14'] }
		});
		await sql`update store_booking_rules set capacity = '{"heldBackPercent": 300}' where store_id = ${old}`;
		await expect(rules.read(sql, { id: old, timeZone: 'Asia/Shanghai' })).rejects.toThrow(/store_booking_rules.capacity/);
	});
});
