/**
 * Capacity is labour time, not a count of cars (DOMAIN.md "Appointment rules", seeds 000 and 001).
 *
 * A day's capacity is the technicians' working minutes. 20% is held back for quick repairs,
 * emergencies, carry-over from the day before and delays, so appointments fill at most 80%;
 * walk-ins and carry-over use the held-back part first. Arrivals are spaced in 15-minute slots
 * within opening hours; each slot belongs to a tier (idle / transition / busy) with its own quota
 * of arrivals, so the busy morning and evening take fewer. Recommended (idle) slots may carry a
 * discount; a slot the store does not recommend — the busy one a customer insists on — is full
 * price. Times are minutes past the store-local midnight; money is integer fen; pure functions.
 */
import {
	addDays,
	addMonths,
	addWorkdays,
	isWorkday,
	localDate,
	workdayOnOrAfter,
	workdaysBefore,
	zonedInstant,
	type DateKey,
	type StoreCalendar,
	type WorkCalendar
} from './calendar';

export const SLOT_TIERS = ['idle', 'transition', 'busy'] as const;
export type SlotTier = (typeof SLOT_TIERS)[number];

export interface TierRules {
	/** appointments that may arrive in one slot of this tier */
	quota: number;
	/** what the customer pays, in percent of the list price: 90 = 10% off */
	priceFactorPercent: number;
	/** the booking screen offers these slots first (推荐与引导时段) */
	recommended: boolean;
}

export interface JobType {
	/** standard labour time (工时), minutes */
	labourMinutes: number;
	/** may be booked as a quick appointment: routine maintenance and simple, well-defined items */
	quickBookable: boolean;
}

/** A period of the day, [from, to) in minutes past the store-local midnight. */
export interface DayPeriod {
	from: number;
	to: number;
}

export interface CapacityRules {
	calendar: StoreCalendar;
	opensAt: number;
	closesAt: number;
	slotMinutes: number;
	heldBackPercent: number;
	/** periods whose slots are busy; then transition; every other slot is idle */
	busy: readonly DayPeriod[];
	transition: readonly DayPeriod[];
	tiers: Readonly<Record<SlotTier, TierRules>>;
	jobTypes: Readonly<Record<string, JobType>>;
	/** a car older than this many full years is not a quick appointment; null: no limit */
	quickMaxVehicleAgeYears: number | null;
}

const hm = (h: number, m = 0) => h * 60 + m;

/**
 * Defaults for a mid-size store. DOMAIN.md gives the 20% and the 15-minute step; the seeds give the
 * three tiers but no numbers, so the hours, tiers, quotas, discounts, job types and age limit below
 * are this module's guesses, each set per store.
 */
export function defaultCapacityRules(calendar: StoreCalendar): CapacityRules {
	return {
		calendar,
		opensAt: hm(8, 30),
		closesAt: hm(17, 30),
		slotMinutes: 15,
		heldBackPercent: 20,
		busy: [
			{ from: hm(8, 30), to: hm(10) },
			{ from: hm(16, 30), to: hm(17, 30) }
		],
		transition: [
			{ from: hm(10), to: hm(11) },
			{ from: hm(15, 30), to: hm(16, 30) }
		],
		tiers: {
			idle: { quota: 3, priceFactorPercent: 90, recommended: true },
			transition: { quota: 2, priceFactorPercent: 95, recommended: true },
			busy: { quota: 1, priceFactorPercent: 100, recommended: false }
		},
		jobTypes: {
			maintenance: { labourMinutes: 60, quickBookable: true },
			tyres: { labourMinutes: 30, quickBookable: true },
			brakePads: { labourMinutes: 90, quickBookable: true },
			diagnosis: { labourMinutes: 120, quickBookable: false },
			bodyRepair: { labourMinutes: 480, quickBookable: false }
		},
		quickMaxVehicleAgeYears: 10
	};
}

/** Labour already on a day. A walk-in or a car carried over from yesterday has no slot. */
export interface Booking {
	kind: 'appointment' | 'walkIn' | 'carryOver';
	/** arrival slot, minutes past local midnight; null for walk-ins and carry-over */
	start: number | null;
	labourMinutes: number;
}

/** A part the job needs: in stock, or to be ordered with the parts counter's lead time (备货期). */
export interface PartNeed {
	partNo?: string;
	inStock: boolean;
	/** workdays from the order until the part is on the shelf */
	leadDays: number;
}

export interface BookingRequest {
	kind: 'appointment' | 'walkIn';
	jobTypes: readonly string[];
	/** a booking the advisor makes after diagnosis is not a quick appointment; default true */
	quick?: boolean;
	vehicleRegisteredOn?: DateKey | null;
	parts?: readonly PartNeed[];
	/** the technical director allowed a booking past the quota or the 80% (recorded by the caller) */
	directorOverride?: boolean;
}

export type BookingRefusal =
	| 'dateInPast'
	| 'closedDay'
	| 'noJobs'
	| 'unknownJobType'
	| 'jobTypeNotQuick'
	| 'vehicleTooOld'
	| 'partsNotInTime'
	| 'outsideOpeningHours'
	| 'offSlotStep'
	| 'slotInPast'
	| 'slotFull'
	| 'labourFull';

export interface Refusal {
	reason: BookingRefusal;
	/** a director's override would make it ok: only quotas and the 80% can be overridden */
	needsOverride: boolean;
	jobType?: string;
	/** for partsNotInTime: the first day the parts are there, to propose instead */
	firstBookableDay?: DateKey;
}

/** The day's labour in minutes, and what is left of it. */
export interface DayLabour {
	totalMinutes: number;
	/** what appointments may fill: total less the held-back share */
	appointmentMinutes: number;
	heldBackMinutes: number;
	bookedAppointmentMinutes: number;
	/** walk-ins and carry-over */
	bookedHeldBackMinutes: number;
	remainingForAppointments: number;
	remainingTotal: number;
}

export function dayLabour(
	technicianMinutes: readonly number[],
	rules: Pick<CapacityRules, 'heldBackPercent'>,
	bookings: readonly Booking[]
): DayLabour {
	const totalMinutes = technicianMinutes.reduce((sum, m) => sum + m, 0);
	// rounded down: the 80% is a ceiling, never exceeded by rounding
	const appointmentMinutes = Math.floor((totalMinutes * (100 - rules.heldBackPercent)) / 100);
	const sum = (kind: (b: Booking) => boolean) =>
		bookings.filter(kind).reduce((s, b) => s + b.labourMinutes, 0);
	const bookedAppointmentMinutes = sum((b) => b.kind === 'appointment');
	const bookedHeldBackMinutes = sum((b) => b.kind !== 'appointment');
	const used = bookedAppointmentMinutes + bookedHeldBackMinutes;
	return {
		totalMinutes,
		appointmentMinutes,
		heldBackMinutes: totalMinutes - appointmentMinutes,
		bookedAppointmentMinutes,
		bookedHeldBackMinutes,
		// walk-ins that overflow the held-back share eat into what appointments may still take
		remainingForAppointments: Math.max(
			0,
			Math.min(appointmentMinutes - bookedAppointmentMinutes, totalMinutes - used)
		),
		remainingTotal: Math.max(0, totalMinutes - used)
	};
}

/** The tier of the slot starting at `start`. */
export function slotTier(
	start: number,
	rules: Pick<CapacityRules, 'busy' | 'transition'>
): SlotTier {
	const within = (periods: readonly DayPeriod[]) =>
		periods.some((p) => start >= p.from && start < p.to);
	return within(rules.busy) ? 'busy' : within(rules.transition) ? 'transition' : 'idle';
}

/** The slot an arrival time counts against: the step it falls in. */
function slotOf(start: number, rules: CapacityRules): number {
	return (
		rules.opensAt + Math.floor((start - rules.opensAt) / rules.slotMinutes) * rules.slotMinutes
	);
}

/** What the customer pays for a job listed at `fen` in a slot with this price factor. */
export function priceInFen(fen: number, priceFactorPercent: number): number {
	return Math.round((fen * priceFactorPercent) / 100);
}

/** 'HH:MM' of a minute of the day. */
export function slotTime(minutes: number): string {
	return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** Full years from `from` to `to`, as a birthday counts them. */
export function fullYears(from: DateKey, to: DateKey): number {
	let years = Number(to.slice(0, 4)) - Number(from.slice(0, 4));
	if (addMonths(from, years * 12) > to) years--;
	return years;
}

// ---- Parts lead time (备货期) -------------------------------------------------------------------

/** The day a part ordered on `orderDay` is on the shelf: lead time in the store's workdays. */
export function partsArrivalDay(
	orderDay: DateKey,
	leadDays: number,
	calendar: WorkCalendar
): DateKey {
	return addWorkdays(workdayOnOrAfter(orderDay, calendar), leadDays, calendar);
}

/**
 * The last day a part can be ordered and still arrive before the appointment day (on the last
 * workday before it): prep must have reached the order by then (seed 000, 零件备货期).
 */
export function latestOrderDay(
	appointmentDay: DateKey,
	leadDays: number,
	calendar: WorkCalendar
): DateKey {
	return workdaysBefore(appointmentDay, leadDays + 1, calendar);
}

/**
 * The first day a job needing these parts can be booked when ordering `today`: the first workday
 * after the last part arrives (parts must be there before the appointment day), or the first
 * workday from today when everything is in stock.
 */
export function firstBookableDay(
	parts: readonly PartNeed[],
	today: DateKey,
	calendar: WorkCalendar
): DateKey {
	const arrivals = parts
		.filter((p) => !p.inStock)
		.map((p) => partsArrivalDay(today, p.leadDays, calendar));
	if (arrivals.length === 0) return workdayOnOrAfter(today, calendar);
	const last = arrivals.reduce((a, b) => (a > b ? a : b));
	return workdayOnOrAfter(addDays(last, 1), calendar);
}

// ---- Booking ------------------------------------------------------------------------------------

/** One capacity day: its date and each technician's working minutes that day. */
export interface CapacityDay {
	date: DateKey;
	technicianMinutes: readonly number[];
}

export interface Slot {
	start: number;
	time: string;
	tier: SlotTier;
	quota: number;
	booked: number;
	remaining: number;
	priceFactorPercent: number;
	recommended: boolean;
	available: boolean;
	/** why not, when not available; `needsOverride` says a director could still allow it */
	unavailable: Refusal | null;
}

export interface DaySlots {
	date: DateKey;
	labour: DayLabour;
	requestMinutes: number;
	/** a refusal that holds for every slot of the day (closed, a job type, parts), or null */
	dayRefusal: Refusal | null;
	slots: Slot[];
}

const refuse = (reason: BookingRefusal, extra: Partial<Refusal> = {}): Refusal => ({
	reason,
	needsOverride: reason === 'slotFull' || reason === 'labourFull',
	...extra
});

/** The request's labour, or why it cannot be booked on `date` at all. */
function checkDay(
	day: CapacityDay,
	rules: CapacityRules,
	request: BookingRequest,
	now: Date | number
): { minutes: number; refusal: Refusal | null } {
	const today = localDate(now, rules.calendar.timeZone);
	let minutes = 0;
	for (const type of request.jobTypes) minutes += rules.jobTypes[type]?.labourMinutes ?? 0;
	const result = (refusal: Refusal | null) => ({ minutes, refusal });

	if (day.date < today) return result(refuse('dateInPast'));
	if (!isWorkday(day.date, rules.calendar)) return result(refuse('closedDay'));
	if (request.jobTypes.length === 0) return result(refuse('noJobs'));
	const unknown = request.jobTypes.find((t) => !Object.hasOwn(rules.jobTypes, t));
	if (unknown !== undefined) return result(refuse('unknownJobType', { jobType: unknown }));
	if (request.kind === 'appointment' && request.quick !== false) {
		const notQuick = request.jobTypes.find((t) => !rules.jobTypes[t].quickBookable);
		if (notQuick !== undefined) return result(refuse('jobTypeNotQuick', { jobType: notQuick }));
		const max = rules.quickMaxVehicleAgeYears;
		// no registration date on file: the advisor cannot check, so the age does not refuse
		if (
			max !== null &&
			request.vehicleRegisteredOn &&
			fullYears(request.vehicleRegisteredOn, day.date) > max
		) {
			return result(refuse('vehicleTooOld'));
		}
	}
	if (request.kind === 'appointment' && request.parts?.length) {
		const first = firstBookableDay(request.parts, today, rules.calendar);
		if (day.date < first) return result(refuse('partsNotInTime', { firstBookableDay: first }));
	}
	return result(null);
}

/** Whether the day's labour takes `minutes` more of this kind. */
function labourRefusal(
	labour: DayLabour,
	kind: BookingRequest['kind'],
	minutes: number
): Refusal | null {
	const left = kind === 'appointment' ? labour.remainingForAppointments : labour.remainingTotal;
	return minutes > left ? refuse('labourFull') : null;
}

/** Every arrival slot of the day for this request: tier, quota left, price, and why not. */
export function availableSlots(
	day: CapacityDay,
	rules: CapacityRules,
	existingBookings: readonly Booking[],
	request: BookingRequest,
	now: Date | number
): DaySlots {
	const labour = dayLabour(day.technicianMinutes, rules, existingBookings);
	const { minutes, refusal: dayRefusal } = checkDay(day, rules, request, now);
	const labourFull = labourRefusal(labour, request.kind, minutes);
	const slots: Slot[] = [];
	for (
		let start = rules.opensAt;
		start + rules.slotMinutes <= rules.closesAt;
		start += rules.slotMinutes
	) {
		const tier = slotTier(start, rules);
		const { quota, priceFactorPercent, recommended } = rules.tiers[tier];
		const booked = existingBookings.filter(
			(b) => b.kind === 'appointment' && b.start !== null && slotOf(b.start, rules) === start
		).length;
		const remaining = Math.max(0, quota - booked);
		const past = zonedInstant(day.date, start, rules.calendar.timeZone).getTime() <= +now;
		const unavailable =
			dayRefusal ??
			(past ? refuse('slotInPast') : null) ??
			(remaining === 0 ? refuse('slotFull') : null) ??
			labourFull;
		slots.push({
			start,
			time: slotTime(start),
			tier,
			quota,
			booked,
			remaining,
			priceFactorPercent,
			recommended,
			available: unavailable === null,
			unavailable
		});
	}
	return { date: day.date, labour, requestMinutes: minutes, dayRefusal, slots };
}

export type BookingCheck =
	| {
			ok: true;
			labourMinutes: number;
			/** null for a walk-in, which takes no slot */
			tier: SlotTier | null;
			priceFactorPercent: number;
			recommended: boolean;
			/** booked past a quota or the 80% on the director's word: the caller records it */
			overridden: boolean;
	  }
	| ({ ok: false } & Refusal);

/**
 * Whether this booking may be made: an appointment at `start` (minutes past local midnight), or a
 * walk-in (start ignored), which uses the held-back capacity and is full price.
 */
export function checkBooking(
	day: CapacityDay,
	rules: CapacityRules,
	existingBookings: readonly Booking[],
	request: BookingRequest & { start?: number | null },
	now: Date | number
): BookingCheck {
	const labour = dayLabour(day.technicianMinutes, rules, existingBookings);
	const { minutes, refusal } = checkDay(day, rules, request, now);
	if (refusal) return { ok: false, ...refusal };

	const overridable: Refusal[] = [];
	let tier: SlotTier | null = null;
	let price = 100;
	let recommended = false;
	if (request.kind === 'appointment') {
		const start = request.start;
		if (start == null || start < rules.opensAt || start + rules.slotMinutes > rules.closesAt) {
			return { ok: false, ...refuse('outsideOpeningHours') };
		}
		if ((start - rules.opensAt) % rules.slotMinutes !== 0)
			return { ok: false, ...refuse('offSlotStep') };
		if (zonedInstant(day.date, start, rules.calendar.timeZone).getTime() <= +now) {
			return { ok: false, ...refuse('slotInPast') };
		}
		const slot = availableSlots(day, rules, existingBookings, request, now).slots.find(
			(s) => s.start === start
		)!;
		if (slot.remaining === 0) overridable.push(refuse('slotFull'));
		({ tier, priceFactorPercent: price, recommended } = slot);
	}
	const labourFull = labourRefusal(labour, request.kind, minutes);
	if (labourFull) overridable.push(labourFull);

	if (overridable.length > 0 && !request.directorOverride) return { ok: false, ...overridable[0] };
	return {
		ok: true,
		labourMinutes: minutes,
		tier,
		priceFactorPercent: price,
		recommended,
		overridden: overridable.length > 0
	};
}
