/**
 * A store's calendar: dates as the store's staff say them, in the store's own time zone.
 *
 * Everything a workshop plans in (reminder days, the appointment day, "2 days before") is a
 * store-local calendar date, kept as a plain `YYYY-MM-DD` key: it sorts as text, compares with
 * `<`, and never drifts with the server's or the browser's zone. Instants (a `Date` or epoch
 * milliseconds) are only turned into dates, or dates into instants, through the store's IANA zone,
 * with Intl (no dependency). Pure: the current time is always a parameter.
 */
import type { ZoneOffsets } from './zone';

/** A store-local calendar date, `YYYY-MM-DD`. */
export type DateKey = string;

/** ISO weekday, as the workshop counts: 1 = Monday (周一) … 7 = Sunday (周日); Postgres `isodow`. */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** When a store works. A 4S after-sales desk often opens every day, so nothing is closed by default. */
export interface WorkCalendar {
	/** weekdays the workshop is closed, e.g. [7] for Sundays */
	closedWeekdays: readonly Weekday[];
	/** dates the workshop is closed: public holidays (春节, 国庆), stocktaking, … */
	holidays: readonly DateKey[];
	/**
	 * 调休: dates that are working days although their weekday is closed (the Saturday or Sunday
	 * the State Council moves a working day to around a long holiday).
	 */
	adjustedWorkdays: readonly DateKey[];
}

/** A store's zone and calendar together: what every date rule of a store needs. */
export interface StoreCalendar extends WorkCalendar {
	/** IANA zone, e.g. 'Asia/Shanghai' */
	timeZone: string;
}

export const OPEN_EVERY_DAY: WorkCalendar = {
	closedWeekdays: [],
	holidays: [],
	adjustedWorkdays: []
};

export const MINUTES_PER_DAY = 24 * 60;
const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;
const DATE_KEY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `value` is a real calendar date written `YYYY-MM-DD` (2025-02-29 is not). */
export function isDateKey(value: unknown): value is DateKey {
	if (typeof value !== 'string') return false;
	const match = DATE_KEY.exec(value);
	if (!match) return false;
	const [, y, m, d] = match.map(Number);
	const date = new Date(Date.UTC(y, m - 1, d));
	return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** Days since 1970-01-01: date arithmetic is integer arithmetic on this. */
function epochDay(date: DateKey): number {
	if (!isDateKey(date)) throw new RangeError(`not a date: ${JSON.stringify(date)}`);
	const [y, m, d] = date.split('-').map(Number);
	return Date.UTC(y, m - 1, d) / MS_PER_DAY;
}

function fromEpochDay(day: number): DateKey {
	return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

export function addDays(date: DateKey, days: number): DateKey {
	return fromEpochDay(epochDay(date) + days);
}

/** Calendar days from `from` to `to`: positive when `to` is later. */
export function daysBetween(from: DateKey, to: DateKey): number {
	return epochDay(to) - epochDay(from);
}

/**
 * The same day of the month `months` later (or earlier), held to the month's last day when the
 * month is shorter: 08-31 + 6 months is 02-28, or 02-29 in a leap year.
 */
export function addMonths(date: DateKey, months: number): DateKey {
	const [y, m, d] = date.split('-').map(Number);
	epochDay(date); // validates
	const monthIndex = y * 12 + (m - 1) + months;
	const year = Math.floor(monthIndex / 12);
	const month = monthIndex - year * 12;
	const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
	return fromEpochDay(Date.UTC(year, month, Math.min(d, lastDay)) / MS_PER_DAY);
}

export function weekday(date: DateKey): Weekday {
	// 1970-01-01 was a Thursday (4)
	return (((((epochDay(date) + 3) % 7) + 7) % 7) + 1) as Weekday;
}

// Intl formatters are costly to build; a store's zone is asked about thousands of times a day.
const formatters = new Map<string, Intl.DateTimeFormat>();
function wallClockFormat(timeZone: string): Intl.DateTimeFormat {
	let format = formatters.get(timeZone);
	if (!format) {
		format = new Intl.DateTimeFormat('en-US', {
			timeZone,
			hourCycle: 'h23',
			year: 'numeric',
			month: 'numeric',
			day: 'numeric',
			hour: 'numeric',
			minute: 'numeric',
			second: 'numeric'
		});
		formatters.set(timeZone, format);
	}
	return format;
}

/** The offset of `timeZone` from UTC at `instant`, in minutes east of UTC. */
export function utcOffset(instant: number, timeZone: string): number {
	return Math.round((wallClock(instant, timeZone) - instant) / 60_000);
}

const offsetTables = new Map<string, ZoneOffsets>();

/**
 * The offsets of `timeZone` from `before` ms before `around` to `after` ms after it, every change
 * to the minute (domain/zone.ts: what a screen reads its store's clock from). Zones change their
 * offset a few times a year at most: the span is walked a day at a time and each change found is
 * narrowed down by halving. Kept per zone and hour.
 */
export function zoneOffsets(timeZone: string, around: number, before = 40 * MS_PER_DAY, after = 200 * MS_PER_DAY): ZoneOffsets {
	const MINUTE = 60_000;
	const hour = Math.floor(around / 3_600_000) * 3_600_000;
	const key = `${timeZone} ${hour} ${before} ${after}`;
	const kept = offsetTables.get(key);
	if (kept) return kept;
	// whole minutes: every offset in use is, and a change happens on one
	const from = Math.floor((hour - before) / MINUTE) * MINUTE;
	const until = hour + 3_600_000 + after;
	const changes: [number, number][] = [[from, utcOffset(from, timeZone)]];
	for (let t = from; t < until; ) {
		const next = Math.min(t + MS_PER_DAY, until);
		const at = changes[changes.length - 1][1];
		if (utcOffset(next, timeZone) !== at) {
			// the first minute in (t, next] with another offset
			let lo = t;
			let hi = next;
			while (hi - lo > MINUTE) {
				const mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE;
				if (utcOffset(mid, timeZone) === at) lo = mid;
				else hi = mid;
			}
			changes.push([hi, utcOffset(hi, timeZone)]);
			t = hi;
		} else t = next;
	}
	const table = { from, until, changes };
	if (offsetTables.size > 100) offsetTables.clear();
	offsetTables.set(key, table);
	return table;
}

/** The wall clock in `timeZone` at `instant`, read as if it were UTC (epoch ms). */
function wallClock(instant: number, timeZone: string): number {
	const parts: Record<string, number> = {};
	for (const part of wallClockFormat(timeZone).formatToParts(instant)) {
		if (part.type !== 'literal') parts[part.type] = Number(part.value);
	}
	const { year, month, day, hour, minute, second } = parts;
	return Date.UTC(year, month - 1, day, hour, minute, second) + (((instant % 1000) + 1000) % 1000);
}

const toMs = (instant: Date | number) =>
	typeof instant === 'number' ? instant : instant.getTime();

/** How far the zone's wall clock is ahead of UTC at `instant`, in minutes (+480 in Shanghai). */
export function zoneOffsetMinutes(instant: Date | number, timeZone: string): number {
	const ms = toMs(instant);
	return Math.round((wallClock(ms, timeZone) - ms) / MS_PER_MINUTE);
}

/** The store-local date at `instant`. */
export function localDate(instant: Date | number, timeZone: string): DateKey {
	return new Date(wallClock(toMs(instant), timeZone)).toISOString().slice(0, 10);
}

/** The store-local date and minute of the day (0‥1439) at `instant`. */
export function localDateTime(
	instant: Date | number,
	timeZone: string
): { date: DateKey; minutes: number } {
	const wall = wallClock(toMs(instant), timeZone);
	return {
		date: new Date(wall).toISOString().slice(0, 10),
		minutes: Math.floor((wall % MS_PER_DAY) / MS_PER_MINUTE)
	};
}

/**
 * The instant the store-local wall clock reads `date` at `minutes` past midnight. DST-safe:
 * a time skipped by a spring-forward gap moves forward by the gap (02:30 → 03:30 in Berlin), and a
 * time that happens twice in the autumn is its first occurrence — as Temporal's 'compatible'.
 * `minutes` may be 1440 or more: the end of a day is the next day's start.
 */
export function zonedInstant(date: DateKey, minutes: number, timeZone: string): Date {
	const wall = epochDay(date) * MS_PER_DAY + minutes * MS_PER_MINUTE;
	// zones change their offset at most once in any two days, so the offsets a day either side are
	// the only two candidates
	const before = wall - zoneOffsetMinutes(wall - MS_PER_DAY, timeZone) * MS_PER_MINUTE;
	const after = wall - zoneOffsetMinutes(wall + MS_PER_DAY, timeZone) * MS_PER_MINUTE;
	const fits = [before, after].filter((t) => wallClock(t, timeZone) === wall);
	// in a gap neither fits: the offset from before the change carries the clock past the gap
	return new Date(fits.length > 0 ? Math.min(...fits) : before);
}

/** The first instant of a store-local date (not always 00:00 where DST starts at midnight). */
export function startOfDay(date: DateKey, timeZone: string): Date {
	return zonedInstant(date, 0, timeZone);
}

/** The first instant after a store-local date: a deadline "by the end of `date`". */
export function endOfDay(date: DateKey, timeZone: string): Date {
	return startOfDay(addDays(date, 1), timeZone);
}

/**
 * Whether the workshop works on `date`. A holiday closes even an adjusted working day listed by
 * mistake: calling customers on a day the store is shut helps nobody.
 */
export function isWorkday(date: DateKey, calendar: WorkCalendar): boolean {
	if (calendar.holidays.includes(date)) return false;
	if (calendar.adjustedWorkdays.includes(date)) return true;
	return !calendar.closedWeekdays.includes(weekday(date));
}

// a calendar closed every day would loop for ever; ten years of closure is a configuration error
const SEARCH_LIMIT = 3660;

function step(date: DateKey, direction: 1 | -1, calendar: WorkCalendar): DateKey {
	let day = date;
	for (let i = 0; i < SEARCH_LIMIT; i++) {
		day = addDays(day, direction);
		if (isWorkday(day, calendar)) return day;
	}
	throw new RangeError(`no workday within ${SEARCH_LIMIT} days of ${date}`);
}

/** `date` itself when the workshop works then, else the next workday after it. */
export function workdayOnOrAfter(date: DateKey, calendar: WorkCalendar): DateKey {
	return isWorkday(date, calendar) ? date : step(date, 1, calendar);
}

/** `date` itself when the workshop works then, else the last workday before it. */
export function workdayOnOrBefore(date: DateKey, calendar: WorkCalendar): DateKey {
	return isWorkday(date, calendar) ? date : step(date, -1, calendar);
}

/**
 * The `n`th workday after `date` (n > 0) or before it (n < 0), not counting `date` itself, which
 * may be a closed day; `n = 0` is `date`. "3 workdays after Friday" with weekends closed is Wednesday.
 */
export function addWorkdays(date: DateKey, n: number, calendar: WorkCalendar): DateKey {
	if (!Number.isInteger(n)) throw new RangeError(`not a whole number of workdays: ${n}`);
	let day = date;
	for (let i = 0; i < Math.abs(n); i++) day = step(day, n > 0 ? 1 : -1, calendar);
	return day;
}

export const workdaysAfter = (date: DateKey, n: number, calendar: WorkCalendar) =>
	addWorkdays(date, Math.abs(n), calendar);
export const workdaysBefore = (date: DateKey, n: number, calendar: WorkCalendar) =>
	addWorkdays(date, -Math.abs(n), calendar);

/** Workdays strictly after `from` up to and including `to`; negative when `to` is earlier. */
export function workdaysBetween(from: DateKey, to: DateKey, calendar: WorkCalendar): number {
	const sign = from <= to ? 1 : -1;
	const [lo, hi] = sign === 1 ? [from, to] : [to, from];
	let count = 0;
	for (let day = addDays(lo, 1); day <= hi; day = addDays(day, 1)) {
		if (isWorkday(day, calendar)) count++;
	}
	return sign * count;
}
