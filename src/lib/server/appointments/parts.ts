import type { PartNeed } from '$lib/domain/capacity';
import type { Sql } from '../db/connect';
import type { StoreJobType } from './rules';
import * as day from './day';

/** One part the booked jobs need, as the shelf holds it (locked by lockFor). */
export interface ShelfPart {
	partNo: string;
	name: string;
	quantity: number;
	onHand: number;
	leadDays: number;
	/** what the capacity rules see: in stock when the shelf holds the whole quantity */
	need: PartNeed;
}

/**
 * The parts these job types need, summed over the jobs, each row of `parts` locked until the
 * booking commits (in part order, so bookings sharing parts queue instead of deadlocking).
 */
export async function lockFor(sql: Sql, storeId: number, codes: readonly string[]): Promise<ShelfPart[]> {
	if (codes.length === 0) return [];
	const rows = await sql<Omit<ShelfPart, 'need'>[]>`
		with needed as (
			select jp.part_no, sum(jp.quantity)::int as quantity
			from job_types j join job_type_parts jp on jp.job_type_id = j.id
			where j.store_id = ${storeId} and j.active and j.code = any(${codes as string[]}::text[])
			group by jp.part_no
		)
		select p.part_no as "partNo", p.name, needed.quantity, p.on_hand as "onHand",
			p.lead_days::int as "leadDays"
		from parts p join needed on needed.part_no = p.part_no
		where p.store_id = ${storeId}
		order by p.part_no
		for update of p`;
	return rows.map((r) => ({
		...r,
		need: { partNo: r.partNo, inStock: r.onHand >= r.quantity, leadDays: r.leadDays }
	}));
}

/** A card waits for parts while any line is still to be ordered. */
export const waiting = (shelf: readonly ShelfPart[]) => shelf.some((p) => !p.need.inStock);

/**
 * The new card's work order items (one per booked job type) and its parts slip: a part the shelf
 * holds is taken off it (`parts.on_hand`) and reserved for the car; one it does not is to order,
 * with its lead time. Returns the slip as the audit row records it.
 */
export async function reserve(
	sql: Sql,
	storeId: number,
	cardId: number,
	types: readonly StoreJobType[],
	shelf: readonly ShelfPart[]
): Promise<{ partNo: string; quantity: number; status: 'reserved' | 'toOrder' }[]> {
	const slip = shelf.map((p) => ({
		partNo: p.partNo,
		quantity: p.quantity,
		status: p.need.inStock ? ('reserved' as const) : ('toOrder' as const)
	}));
	const reserved = shelf.filter((p) => p.need.inStock);
	await Promise.all([
		sql`
			insert into card_job_items (card_id, store_id, job_type_id, description, labour_minutes)
			select ${cardId}, ${storeId}, t.id, t.name, t.minutes
			from unnest(${types.map((t) => t.id)}::bigint[], ${types.map((t) => t.name)}::text[],
				${types.map((t) => t.labourMinutes)}::int[]) with ordinality as t(id, name, minutes, n)
			order by t.n`,
		shelf.length === 0
			? Promise.resolve()
			: sql`
				insert into card_parts (card_id, store_id, part_no, name, quantity, status, lead_days)
				select ${cardId}, ${storeId}, l.part_no, left(l.name, 60), l.quantity, l.status, l.lead_days
				from unnest(${shelf.map((p) => p.partNo)}::text[], ${shelf.map((p) => p.name)}::text[],
					${shelf.map((p) => p.quantity)}::int[], ${slip.map((l) => l.status)}::text[],
					${shelf.map((p) => Math.min(p.leadDays, 365))}::smallint[])
					as l(part_no, name, quantity, status, lead_days)`,
		reserved.length === 0
			? Promise.resolve()
			: sql`
				update parts p set on_hand = p.on_hand - r.quantity
				from unnest(${reserved.map((p) => p.partNo)}::text[], ${reserved.map((p) => p.quantity)}::int[])
					as r(part_no, quantity)
				where p.store_id = ${storeId} and p.part_no = r.part_no`
	]);
	return slip;
}

/**
 * What a booked appointment's parts mean for another day: its card's parts lines (a line on the
 * shelf for this car is in stock; one to order or on order has its lead time — on order is counted
 * as if ordered today, never later than the truth), or, for an appointment whose card has no lines,
 * its job types' parts as a booking sees them.
 */
export async function ofAppointment(sql: Sql, storeId: number, appointmentId: number): Promise<PartNeed[]> {
	const lines = await sql<{ partNo: string; status: string; leadDays: number }[]>`
		select l.part_no as "partNo", l.status, l.lead_days::int as "leadDays"
		from card_parts l join cards c on c.id = l.card_id
		where c.appointment_id = ${appointmentId} and c.store_id = ${storeId} and c.archived_at is null`;
	if (lines.length > 0) {
		return lines.map((l) => ({
			partNo: l.partNo,
			inStock: !['toOrder', 'ordered'].includes(l.status),
			leadDays: l.leadDays
		}));
	}
	const codes = await sql<{ code: string }[]>`
		select j.code from appointment_items i join job_types j on j.id = i.job_type_id
		where i.appointment_id = ${appointmentId} and i.store_id = ${storeId}`;
	return day.partNeeds(
		sql,
		storeId,
		codes.map((c) => c.code)
	);
}
