import {
	localDateTime,
	startOfDay,
	endOfDay,
	weekday,
	type DateKey
} from '$lib/domain/calendar';
import type { Booking, CapacityDay, PartNeed } from '$lib/domain/capacity';
import type { Sql } from '../db/connect';

/**
 * Labour a walk-in without work order items is counted with: an hour, a routine service. Walk-ins
 * use the held-back 20% first (capacity.ts), so this only matters on a day with more walk-ins
 * than that.
 */
export const WALK_IN_MINUTES = 60;

/** Each technician's working minutes on `day`: the date's exception, else the weekday's shift. */
export async function capacityDay(sql: Sql, storeId: number, day: DateKey): Promise<CapacityDay> {
	const rows = await sql<{ minutes: number }[]>`
		select coalesce(d.minutes, s.minutes, 0)::int as minutes
		from (select distinct user_id from store_roles
			where store_id = ${storeId} and role = 'technician') t
		left join technician_shifts s
			on s.store_id = ${storeId} and s.user_id = t.user_id and s.weekday = ${weekday(day)}
		left join technician_day_minutes d
			on d.store_id = ${storeId} and d.user_id = t.user_id and d.day = ${day}::date`;
	return { date: day, technicianMinutes: rows.map((r) => r.minutes) };
}

/**
 * Takes the store-day's booking lock for the rest of the transaction: every booking and reschedule
 * onto `day` queues here and re-reads the day's bookings after it, so two of them cannot both take
 * the last free place.
 */
export async function lockDay(sql: Sql, storeId: number, day: DateKey): Promise<void> {
	await sql`select pg_advisory_xact_lock(hashtextextended(${`booking ${day}`}, ${storeId}))`;
}

/**
 * The labour already on `day`: open and kept appointments at their slot (a cancelled one or a
 * no-show frees its time), and the day's walk-ins. `except`: an appointment being rescheduled,
 * which does not compete with itself.
 */
export async function bookingsOn(
	sql: Sql,
	store: { id: number; timeZone: string },
	day: DateKey,
	except: number | null = null
): Promise<Booking[]> {
	const from = startOfDay(day, store.timeZone);
	const to = endOfDay(day, store.timeZone);
	const [appointments, walkIns] = await Promise.all([
		sql<{ scheduledAt: Date; labourMinutes: number }[]>`
			select scheduled_at as "scheduledAt", labour_minutes as "labourMinutes" from appointments
			where store_id = ${store.id} and scheduled_at >= ${from} and scheduled_at < ${to}
				and status in ('tentative', 'confirmed', 'arrived', 'done')
				and id is distinct from ${except}::bigint`,
		// a walk-in's labour is its work order's (the items the customer has not declined); a card
		// without items (from before they existed) an hour
		sql<{ minutes: number }[]>`
			select coalesce((select sum(i.labour_minutes) from card_job_items i
				where i.card_id = c.id and i.authorisation <> 'declined'), ${WALK_IN_MINUTES})::int as minutes
			from cards c
			where c.store_id = ${store.id} and c.appointment_id is null
				and c.due_at >= ${from} and c.due_at < ${to}`
	]);
	return [
		...appointments.map(
			(a): Booking => ({
				kind: 'appointment',
				start: localDateTime(a.scheduledAt, store.timeZone).minutes,
				labourMinutes: a.labourMinutes
			})
		),
		...walkIns.map((w): Booking => ({ kind: 'walkIn', start: null, labourMinutes: w.minutes }))
	];
}

/** The parts these job types need, each with whether the shelf holds enough and its lead time. */
export async function partNeeds(
	sql: Sql,
	storeId: number,
	codes: readonly string[]
): Promise<PartNeed[]> {
	if (codes.length === 0) return [];
	return sql<PartNeed[]>`
		select p.part_no as "partNo", p.on_hand >= sum(jp.quantity) as "inStock",
			p.lead_days::int as "leadDays"
		from job_types j
		join job_type_parts jp on jp.job_type_id = j.id
		join parts p on p.store_id = jp.store_id and p.part_no = jp.part_no
		where j.store_id = ${storeId} and j.active and j.code = any(${codes as string[]}::text[])
		group by p.part_no, p.on_hand, p.lead_days
		order by p.part_no`;
}
