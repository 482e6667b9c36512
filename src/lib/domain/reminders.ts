/**
 * The reminder calendar (seed 000 流程一/二/三, DOMAIN.md "Appointment rules"): when each vehicle is
 * next due for service, and what customer service calls or messages on each store-local day.
 *
 * Every number is a store setting (`StoreRules`). A list date that falls on a day the store is
 * closed moves to the previous workday for everything done *before* a date (messages, reminder,
 * second and confirmation calls: moving them later would make them late), and to the next workday
 * for everything done *after* one (follow-up and reschedule calls: they cannot come before the
 * visit). An entry stays on the list, marked as carried over, until it is ticked off or its
 * deadline passes: a call missed on Monday is still Tuesday's work.
 */
import {
	addDays,
	addMonths,
	daysBetween,
	localDate,
	workdayOnOrAfter,
	workdayOnOrBefore,
	workdaysAfter,
	workdaysBefore,
	type DateKey,
	type StoreCalendar
} from './calendar';
import { latestOrderDay } from './capacity';

export interface StoreRules {
	calendar: StoreCalendar;
	service: {
		/** periodic maintenance every this many km … */
		intervalKm: number;
		/** … or this many months, whichever comes first */
		intervalMonths: number;
		/** km a day assumed when the vehicle's own readings cannot tell */
		defaultDailyKm: number;
	};
	reminders: {
		messageDaysBefore: number;
		reminderCallDaysBefore: number;
		confirmationCallDaysBefore: number;
		/** the follow-up call (回访) is due within this many days after handover */
		followUpWithinDays: number;
		/** a no-show is called back to reschedule within this many days */
		rescheduleWithinDays: number;
	};
	/** the parts counter's usual lead time (备货期) in workdays, for the second call */
	partsLeadDays: number;
}

/**
 * The seed's numbers: 13 days (SMS/e-mail), 11 days (call), 2 days (confirmation), 3 days (回访).
 * The seeds give no service interval or lead time: 5,000 km or 6 months (a common interval for
 * Chinese dealers on mineral or semi-synthetic oil), 40 km a day (about 14,600 km a year, a
 * private car's typical annual mileage), a 5-workday lead time, and 7 days to call a no-show are
 * this module's assumptions.
 */
export function defaultStoreRules(calendar: StoreCalendar): StoreRules {
	return {
		calendar,
		service: { intervalKm: 5_000, intervalMonths: 6, defaultDailyKm: 40 },
		reminders: {
			messageDaysBefore: 13,
			reminderCallDaysBefore: 11,
			confirmationCallDaysBefore: 2,
			followUpWithinDays: 3,
			rescheduleWithinDays: 7
		},
		partsLeadDays: 5
	};
}

// ---- When the next service is due -------------------------------------------------------------

export interface ServiceHistory {
	lastServiceOn: DateKey;
	lastServiceKm: number;
	/** the latest odometer reading since (asked at the reminder call, read at a visit) */
	reading?: { on: DateKey; km: number } | null;
	/** km a day known for this vehicle, overriding the estimate */
	dailyKm?: number | null;
}

/** Readings closer together than this say more about one trip than about the driver. */
const MIN_READING_DAYS = 14;

/** The vehicle's km a day: its own, from its readings, or the store's default. */
export function estimatedDailyKm(
	history: ServiceHistory,
	rules: Pick<StoreRules, 'service'>
): number {
	if (history.dailyKm != null && history.dailyKm >= 0) return history.dailyKm;
	const reading = history.reading;
	if (reading && reading.km >= history.lastServiceKm) {
		const days = daysBetween(history.lastServiceOn, reading.on);
		if (days >= MIN_READING_DAYS) return (reading.km - history.lastServiceKm) / days;
	}
	return rules.service.defaultDailyKm;
}

export interface ServiceDue {
	date: DateKey;
	/** which limit comes first: the months, or the km at the estimated daily mileage */
	by: 'time' | 'distance';
	dueKm: number;
}

/**
 * The next periodic service: the earlier of the last service date plus the interval in months,
 * and the day the odometer is estimated to reach the last service's km plus the interval. The
 * distance date is rounded down, so a reminder is never later than the estimate.
 */
export function nextServiceDue(
	history: ServiceHistory,
	rules: Pick<StoreRules, 'service'>
): ServiceDue {
	const { intervalKm, intervalMonths } = rules.service;
	const byTime = addMonths(history.lastServiceOn, intervalMonths);
	const dueKm = history.lastServiceKm + intervalKm;
	const base = history.reading ?? { on: history.lastServiceOn, km: history.lastServiceKm };
	const daily = estimatedDailyKm(history, rules);
	const kmLeft = dueKm - base.km;
	const byDistance =
		kmLeft <= 0 ? base.on : daily > 0 ? addDays(base.on, Math.floor(kmLeft / daily)) : null;
	if (byDistance !== null && byDistance < byTime)
		return { date: byDistance, by: 'distance', dueKm };
	return { date: byTime, by: 'time', dueKm };
}

// ---- List dates ---------------------------------------------------------------------------------

const before = (date: DateKey, days: number, rules: StoreRules) =>
	workdayOnOrBefore(addDays(date, -days), rules.calendar);

export interface ReminderDates {
	message: DateKey;
	reminderCall: DateKey;
	/** for customers undecided after the first call */
	secondCall: DateKey;
}

/**
 * The reminder dates for a service due on `dueDate`. The second call comes the workday before
 * the last day parts could still be ordered for that date, so a "yes" leaves a workday to print the
 * folder and order; where the lead time is so long that this would fall on or before the first
 * call, it is the workday after the first call, the earliest a second call means anything.
 */
export function reminderDates(
	dueDate: DateKey,
	rules: StoreRules,
	partsLeadDays = rules.partsLeadDays
): ReminderDates {
	const { messageDaysBefore, reminderCallDaysBefore } = rules.reminders;
	const reminderCall = before(dueDate, reminderCallDaysBefore, rules);
	const forParts = workdaysBefore(
		latestOrderDay(dueDate, partsLeadDays, rules.calendar),
		1,
		rules.calendar
	);
	return {
		message: before(dueDate, messageDaysBefore, rules),
		reminderCall,
		secondCall: forParts > reminderCall ? forParts : workdaysAfter(reminderCall, 1, rules.calendar)
	};
}

/** The confirmation call, 2 days before the appointment day (after the folder check, seed 000 三). */
export function confirmationCallDate(appointmentDay: DateKey, rules: StoreRules): DateKey {
	return before(appointmentDay, rules.reminders.confirmationCallDaysBefore, rules);
}

/**
 * The follow-up call (回访): from the first workday after handover, due by the last workday
 * within `followUpWithinDays`. When a long holiday leaves no workday inside the window, it is due
 * on the first day back.
 */
export function followUpCall(
	handoverDay: DateKey,
	rules: StoreRules
): { date: DateKey; deadline: DateKey } {
	const date = workdayOnOrAfter(addDays(handoverDay, 1), rules.calendar);
	const last = workdayOnOrBefore(
		addDays(handoverDay, rules.reminders.followUpWithinDays),
		rules.calendar
	);
	return { date, deadline: last > date ? last : date };
}

// ---- Work lists ---------------------------------------------------------------------------------

export const WORK_LISTS = [
	'message',
	'reminderCall',
	'secondCall',
	'confirmationCall',
	'followUpCall',
	'rescheduleCall'
] as const;
export type WorkList = (typeof WORK_LISTS)[number];

/** What a call ended with. "unreached" is undecided too: the customer gets a second call. */
export type CallOutcome = 'yes' | 'no' | 'undecided' | 'unreached';

export interface ReminderVehicle {
	vehicleId: number;
	history: ServiceHistory;
	/** an open appointment exists: nothing to remind */
	booked: boolean;
	/** each step ticked off so far for the current due date (null: not yet) */
	done: {
		messageSentOn?: DateKey | null;
		reminderCall?: CallOutcome | null;
		secondCall?: CallOutcome | null;
	};
	/** the vehicle's own lead time when its service needs ordered parts */
	partsLeadDays?: number;
}

export interface ListAppointment {
	appointmentId: number;
	vehicleId: number;
	/** ISO instant, Date or epoch ms */
	scheduledAt: string | Date | number;
	status: 'tentative' | 'confirmed' | 'arrived' | 'done' | 'noShow' | 'cancelled';
	handedOverAt?: string | Date | number | null;
	done: { confirmationCall?: boolean; followUpCall?: boolean; rescheduleCall?: boolean };
}

export interface WorkListEntry {
	list: WorkList;
	vehicleId: number;
	appointmentId: number | null;
	/** the day the entry first appears */
	date: DateKey;
	/** the last day it is worth doing; it drops off the lists after */
	deadline: DateKey;
	/** what it is about: the service due date, the appointment day, or the handover day */
	about: DateKey;
	/** it appeared on an earlier day and is still not done */
	carriedOver: boolean;
}

export type WorkLists = Record<WorkList, WorkListEntry[]>;

const instant = (value: string | Date | number) =>
	typeof value === 'string' ? Date.parse(value) : value;

/** Everything customer service has to do on store-local date `today`, each list in date order. */
export function workListsFor(
	today: DateKey,
	input: { vehicles: readonly ReminderVehicle[]; appointments: readonly ListAppointment[] },
	rules: StoreRules
): WorkLists {
	const lists = Object.fromEntries(WORK_LISTS.map((l) => [l, []])) as unknown as WorkLists;
	const add = (entry: Omit<WorkListEntry, 'carriedOver'>) => {
		if (entry.date <= today && today <= entry.deadline) {
			lists[entry.list].push({ ...entry, carriedOver: entry.date < today });
		}
	};

	for (const vehicle of input.vehicles) {
		if (vehicle.booked) continue;
		const due = nextServiceDue(vehicle.history, rules).date;
		const dates = reminderDates(due, rules, vehicle.partsLeadDays);
		const about = { vehicleId: vehicle.vehicleId, appointmentId: null, about: due };
		const { messageSentOn, reminderCall, secondCall } = vehicle.done;
		// once the call is made, a message would only repeat it
		if (!messageSentOn && !reminderCall) {
			add({ list: 'message', date: dates.message, deadline: dates.reminderCall, ...about });
		}
		if (!reminderCall)
			add({ list: 'reminderCall', date: dates.reminderCall, deadline: due, ...about });
		if ((reminderCall === 'undecided' || reminderCall === 'unreached') && !secondCall) {
			add({ list: 'secondCall', date: dates.secondCall, deadline: due, ...about });
		}
	}

	for (const a of input.appointments) {
		const day = localDate(instant(a.scheduledAt), rules.calendar.timeZone);
		const about = { vehicleId: a.vehicleId, appointmentId: a.appointmentId, about: day };
		if (a.status === 'tentative' && !a.done.confirmationCall) {
			const date = confirmationCallDate(day, rules);
			add({ list: 'confirmationCall', date, deadline: addDays(day, -1), ...about });
		}
		if (a.handedOverAt != null && !a.done.followUpCall) {
			const handover = localDate(instant(a.handedOverAt), rules.calendar.timeZone);
			add({ list: 'followUpCall', ...followUpCall(handover, rules), ...about, about: handover });
		}
		if (a.status === 'noShow' && !a.done.rescheduleCall) {
			const date = workdayOnOrAfter(addDays(day, 1), rules.calendar);
			const deadline = addDays(day, rules.reminders.rescheduleWithinDays);
			add({ list: 'rescheduleCall', date, deadline: deadline > date ? deadline : date, ...about });
		}
	}

	for (const list of WORK_LISTS) {
		lists[list].sort(
			(a, b) =>
				(a.date < b.date ? -1 : a.date > b.date ? 1 : 0) ||
				(a.about < b.about ? -1 : a.about > b.about ? 1 : 0) ||
				a.vehicleId - b.vehicleId ||
				(a.appointmentId ?? 0) - (b.appointmentId ?? 0)
		);
	}
	return lists;
}
