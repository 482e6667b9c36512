import type { Sql } from '../db/connect';

/**
 * The job types a store starts with: defaultCapacityRules' list (capacity.ts) with names and list
 * prices. Migration 00003 gives stores already in the field the same list (a test keeps them
 * equal).
 */
const jobType = (
	code: string,
	name: string,
	labourMinutes: number,
	quickBookable: boolean,
	listPriceFen: number
) => ({ code, name, labourMinutes, quickBookable, listPriceFen });

export const DEFAULT_JOB_TYPES = [
	jobType('maintenance', '常规保养', 60, true, 48_000),
	jobType('tyres', '轮胎更换', 30, true, 12_000),
	jobType('brakePads', '更换刹车片', 90, true, 36_000),
	jobType('diagnosis', '故障诊断', 120, false, 30_000),
	jobType('bodyRepair', '钣金喷漆', 480, false, 150_000)
];

/** A technician's working day when nobody set one: eight hours. */
export const DEFAULT_SHIFT_MINUTES = 480;

/**
 * What a new store needs before it can book: the default job types, and a shift every weekday for
 * each of its technicians that has none. Idempotent.
 */
export async function provisionBooking(sql: Sql, storeId: number): Promise<void> {
	const types = DEFAULT_JOB_TYPES.map((t) => ({
		store_id: storeId,
		code: t.code,
		name: t.name,
		labour_minutes: t.labourMinutes,
		quick_bookable: t.quickBookable,
		list_price_fen: t.listPriceFen
	}));
	await sql`
		insert into job_types ${sql(
			types,
			'store_id',
			'code',
			'name',
			'labour_minutes',
			'quick_bookable',
			'list_price_fen'
		)}
		on conflict (store_id, code) do nothing`;
	await sql`
		insert into technician_shifts (store_id, user_id, weekday, minutes)
		select distinct r.store_id, r.user_id, d.weekday::smallint, ${DEFAULT_SHIFT_MINUTES}::smallint
		from store_roles r cross join generate_series(1, 7) as d(weekday)
		where r.store_id = ${storeId} and r.role = 'technician'
		on conflict do nothing`;
}
