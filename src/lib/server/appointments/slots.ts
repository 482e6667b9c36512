import { availableSlots, type DaySlots } from '$lib/domain/capacity';
import type { DateKey } from '$lib/domain/calendar';
import type { Sql } from '../db/connect';
import type { Store } from '../db/stores';
import * as rules from './rules';
import type { StoreJobType } from './rules';
import * as day from './day';
import * as partsOf from './parts';

export interface SlotsAnswer extends DaySlots {
	/** the store's job types, for the booking screen's pick list */
	jobTypes: Omit<StoreJobType, 'id'>[];
}

/**
 * The day's arrival slots for these jobs, as a booking would be checked now: tier, quota left,
 * price, and why a slot is not available. A read without the booking's lock: a slot shown free
 * may be taken before the booking commits, and the booking then says so.
 */
export async function list(
	sql: Sql,
	store: Store,
	query: { day: DateKey; jobs: string[]; vehicle?: number; appointment?: number }
): Promise<SlotsAnswer> {
	const [bookingRules, capacityDay, existing, parts, [vehicle]] = await Promise.all([
		rules.read(sql, store),
		day.capacityDay(sql, store.id, query.day),
		day.bookingsOn(sql, store, query.day, query.appointment ?? null),
		query.appointment === undefined
			? day.partNeeds(sql, store.id, query.jobs)
			: partsOf.ofAppointment(sql, store.id, query.appointment),
		query.vehicle === undefined
			? Promise.resolve([])
			: sql<{ registeredOn: string | null }[]>`
				select to_char(registered_on, 'YYYY-MM-DD') as "registeredOn" from vehicles
				where id = ${query.vehicle} and store_id = ${store.id}`
	]);
	const slots = availableSlots(
		capacityDay,
		bookingRules.capacity,
		existing,
		{ kind: 'appointment', jobTypes: query.jobs, parts, vehicleRegisteredOn: vehicle?.registeredOn },
		Date.now()
	);
	return {
		...slots,
		jobTypes: [...bookingRules.jobTypes.values()].map(({ id: _, ...type }) => type)
	};
}
