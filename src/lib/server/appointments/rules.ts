import { z } from 'zod';
import { defaultCapacityRules, type CapacityRules, type JobType } from '$lib/domain/capacity';
import { defaultStoreRules, type StoreRules } from '$lib/domain/reminders';
import type { StoreCalendar } from '$lib/domain/calendar';
import type { Sql } from '../db/connect';

/** One job type of a store, as the booking screen lists it. */
export interface StoreJobType extends JobType {
	id: number;
	code: string;
	name: string;
	listPriceFen: number;
}

export interface BookingRules {
	capacity: CapacityRules;
	reminders: StoreRules;
	/** the store's active job types, by code */
	jobTypes: Map<string, StoreJobType>;
}

const minute = z.number().int().min(0).max(1440);
const period = z.strictObject({ from: minute, to: minute });
const tier = z.strictObject({
	quota: z.number().int().min(0).max(100),
	priceFactorPercent: z.number().int().min(1).max(200),
	recommended: z.boolean()
});

/** What a store may set in store_booking_rules.capacity: any of these, the rest stays default. */
const capacityOverrides = z.strictObject({
	opensAt: minute.optional(),
	closesAt: minute.optional(),
	slotMinutes: z.number().int().min(5).max(240).optional(),
	heldBackPercent: z.number().int().min(0).max(100).optional(),
	busy: z.array(period).max(10).optional(),
	transition: z.array(period).max(10).optional(),
	tiers: z
		.strictObject({ idle: tier.optional(), transition: tier.optional(), busy: tier.optional() })
		.optional(),
	quickMaxVehicleAgeYears: z.number().int().min(0).max(100).nullable().optional(),
	closedWeekdays: z.array(z.number().int().min(1).max(7)).max(7).optional()
});

const reminderOverrides = z.strictObject({
	service: z
		.strictObject({
			intervalKm: z.number().int().positive().optional(),
			intervalMonths: z.number().int().positive().optional(),
			defaultDailyKm: z.number().positive().optional()
		})
		.optional(),
	reminders: z
		.strictObject({
			messageDaysBefore: z.number().int().min(0).optional(),
			reminderCallDaysBefore: z.number().int().min(0).optional(),
			confirmationCallDaysBefore: z.number().int().min(0).optional(),
			followUpWithinDays: z.number().int().min(0).optional(),
			rescheduleWithinDays: z.number().int().min(0).optional()
		})
		.optional(),
	partsLeadDays: z.number().int().min(0).optional()
});

/** A store's settings that do not parse are a configuration error: say which store and why. */
function parseOverrides<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
	const parsed = schema.safeParse(value ?? {});
	if (parsed.success) return parsed.data;
	throw new Error(`store_booking_rules.${what} is invalid: ${parsed.error.issues[0].message}`);
}

/**
 * The store's booking rules: the defaults of capacity.ts and reminders.ts with the store's own
 * overrides, its calendar exceptions and its job types. Read inside the booking's transaction, so
 * a booking is checked against the rules as they are when it commits.
 */
export async function read(
	sql: Sql,
	store: { id: number; timeZone: string }
): Promise<BookingRules> {
	const [[row], days, types] = await Promise.all([
		sql<{ capacity: unknown; reminders: unknown }[]>`
			select capacity, reminders from store_booking_rules where store_id = ${store.id}`,
		sql<{ day: string; kind: 'holiday' | 'workday' }[]>`
			select to_char(day, 'YYYY-MM-DD') as day, kind from store_calendar_days
			where store_id = ${store.id} order by day`,
		sql<StoreJobType[]>`
			select id::int, code, name, labour_minutes as "labourMinutes",
				quick_bookable as "quickBookable", list_price_fen as "listPriceFen"
			from job_types where store_id = ${store.id} and active order by id`
	]);
	const capacity = parseOverrides(capacityOverrides, row?.capacity, 'capacity');
	const reminders = parseOverrides(reminderOverrides, row?.reminders, 'reminders');
	const { closedWeekdays, tiers, ...scalars } = capacity;
	const calendar: StoreCalendar = {
		timeZone: store.timeZone,
		closedWeekdays: (closedWeekdays ?? []) as StoreCalendar['closedWeekdays'],
		holidays: days.filter((d) => d.kind === 'holiday').map((d) => d.day),
		adjustedWorkdays: days.filter((d) => d.kind === 'workday').map((d) => d.day)
	};
	const defaults = defaultCapacityRules(calendar);
	const jobTypes = new Map(types.map((t) => [t.code, t]));
	const reminderDefaults = defaultStoreRules(calendar);
	return {
		capacity: {
			...defaults,
			...scalars,
			tiers: { ...defaults.tiers, ...tiers } as CapacityRules['tiers'],
			// the store's own list: a default job type the store did not keep cannot be booked
			jobTypes: Object.fromEntries(
				types.map((t) => [t.code, { labourMinutes: t.labourMinutes, quickBookable: t.quickBookable }])
			)
		},
		reminders: {
			...reminderDefaults,
			service: { ...reminderDefaults.service, ...reminders.service },
			reminders: { ...reminderDefaults.reminders, ...reminders.reminders },
			partsLeadDays: reminders.partsLeadDays ?? reminderDefaults.partsLeadDays
		},
		jobTypes
	};
}
