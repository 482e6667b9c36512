import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
	addDays,
	addMonths,
	addWorkdays,
	daysBetween,
	endOfDay,
	isDateKey,
	isWorkday,
	localDate,
	localDateTime,
	startOfDay,
	weekday,
	workdayOnOrAfter,
	workdayOnOrBefore,
	workdaysAfter,
	workdaysBefore,
	workdaysBetween,
	zonedInstant,
	zoneOffsetMinutes,
	type WorkCalendar
} from './calendar';

/** A store closed on weekends, with the 2025 National Day week and its two 调休 Saturdays/Sundays. */
const weekdaysOnly: WorkCalendar = {
	closedWeekdays: [6, 7],
	holidays: ['2025-10-01', '2025-10-02', '2025-10-03', '2025-10-06', '2025-10-07', '2025-10-08'],
	adjustedWorkdays: ['2025-09-28', '2025-10-11']
};

describe('date keys', () => {
	it('accepts real dates only', () => {
		expect(isDateKey('2024-02-29')).toBe(true);
		expect(isDateKey('2025-02-29')).toBe(false);
		expect(isDateKey('2025-13-01')).toBe(false);
		expect(isDateKey('2025-1-01')).toBe(false);
		expect(isDateKey(20250101)).toBe(false);
		expect(() => addDays('2025-02-30', 1)).toThrow(RangeError);
	});

	it('adds days across month ends, year ends and leap days', () => {
		expect(addDays('2026-01-31', 1)).toBe('2026-02-01');
		expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
		expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
		expect(addDays('2025-02-28', 1)).toBe('2025-03-01');
		expect(addDays('2026-01-01', -13)).toBe('2025-12-19');
		expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
	});

	it('counts days between dates, signed', () => {
		expect(daysBetween('2025-12-30', '2026-01-02')).toBe(3);
		expect(daysBetween('2024-03-01', '2024-02-28')).toBe(-2);
	});

	it('adds months, holding the day to the end of a shorter month', () => {
		expect(addMonths('2025-08-31', 6)).toBe('2026-02-28');
		expect(addMonths('2023-08-31', 6)).toBe('2024-02-29');
		expect(addMonths('2024-02-29', 12)).toBe('2025-02-28');
		expect(addMonths('2025-09-15', 6)).toBe('2026-03-15');
		expect(addMonths('2026-03-31', -1)).toBe('2026-02-28');
		expect(addMonths('2026-01-15', -13)).toBe('2024-12-15');
	});

	it('names ISO weekdays, Monday = 1 and Sunday = 7', () => {
		expect(weekday('2026-01-01')).toBe(4);
		expect(weekday('2026-03-29')).toBe(7);
		expect(weekday('2024-02-29')).toBe(4);
		expect(weekday('1969-12-29')).toBe(1);
	});
});

describe('instants and the store-local date', () => {
	it('rolls over at midnight in Shanghai (UTC+8), not at UTC midnight', () => {
		expect(localDate(new Date('2026-03-01T15:59:59.999Z'), 'Asia/Shanghai')).toBe('2026-03-01');
		expect(localDate(new Date('2026-03-01T16:00:00.000Z'), 'Asia/Shanghai')).toBe('2026-03-02');
	});

	it('rolls over two hours later in Urumqi (UTC+6), for the same instant', () => {
		const instant = Date.parse('2026-03-01T17:00:00Z');
		expect(localDate(instant, 'Asia/Shanghai')).toBe('2026-03-02');
		expect(localDate(instant, 'Asia/Urumqi')).toBe('2026-03-01');
		expect(localDateTime(instant, 'Asia/Urumqi')).toEqual({ date: '2026-03-01', minutes: 23 * 60 });
	});

	it('finds the instant a local time happens, in each zone', () => {
		expect(zonedInstant('2026-03-02', 9 * 60, 'Asia/Shanghai').toISOString()).toBe(
			'2026-03-02T01:00:00.000Z'
		);
		expect(zonedInstant('2026-03-02', 9 * 60, 'Asia/Urumqi').toISOString()).toBe(
			'2026-03-02T03:00:00.000Z'
		);
		expect(zonedInstant('2026-01-15', 9 * 60, 'Europe/Berlin').toISOString()).toBe(
			'2026-01-15T08:00:00.000Z'
		);
		expect(zonedInstant('2026-07-15', 9 * 60, 'Europe/Berlin').toISOString()).toBe(
			'2026-07-15T07:00:00.000Z'
		);
	});

	it('moves a time skipped by the spring-forward gap on by the gap', () => {
		// Berlin, 2026-03-29: 02:00 CET jumps to 03:00 CEST
		const skipped = zonedInstant('2026-03-29', 2 * 60 + 30, 'Europe/Berlin');
		expect(skipped.toISOString()).toBe('2026-03-29T01:30:00.000Z');
		expect(localDateTime(skipped, 'Europe/Berlin')).toEqual({ date: '2026-03-29', minutes: 210 });
	});

	it('takes the first of a time that happens twice in the autumn', () => {
		// Berlin, 2026-10-25: 03:00 CEST falls back to 02:00 CET
		expect(zonedInstant('2026-10-25', 2 * 60 + 30, 'Europe/Berlin').toISOString()).toBe(
			'2026-10-25T00:30:00.000Z'
		);
	});

	it('knows a DST day is 23 or 25 hours long', () => {
		const hours = (date: string) =>
			(endOfDay(date, 'Europe/Berlin').getTime() - startOfDay(date, 'Europe/Berlin').getTime()) /
			3_600_000;
		expect(hours('2026-03-29')).toBe(23);
		expect(hours('2026-10-25')).toBe(25);
		expect(hours('2026-07-01')).toBe(24);
	});

	it('starts a day at 01:00 where DST begins at midnight (Santiago)', () => {
		const start = startOfDay('2026-09-06', 'America/Santiago');
		expect(start.toISOString()).toBe('2026-09-06T04:00:00.000Z');
		expect(localDateTime(start, 'America/Santiago')).toEqual({ date: '2026-09-06', minutes: 60 });
		expect(localDate(start.getTime() - 1, 'America/Santiago')).toBe('2026-09-05');
	});

	it('reads zone offsets', () => {
		expect(zoneOffsetMinutes(Date.parse('2026-06-01T00:00:00Z'), 'Asia/Shanghai')).toBe(480);
		expect(zoneOffsetMinutes(Date.parse('2026-06-01T00:00:00Z'), 'Asia/Urumqi')).toBe(360);
		expect(zoneOffsetMinutes(Date.parse('2026-06-01T00:00:00Z'), 'Europe/Berlin')).toBe(120);
	});

	it('round-trips every minute in every zone: the local time of the instant is the time asked for', () => {
		const zones = fc.constantFrom(
			'Asia/Shanghai',
			'Asia/Urumqi',
			'Europe/Berlin',
			'America/Santiago'
		);
		const minute = fc.integer({ min: 27_000_000, max: 30_000_000 }).map((m) => m * 60_000);
		fc.assert(
			fc.property(zones, minute, (zone, instant) => {
				const local = localDateTime(instant, zone);
				const back = zonedInstant(local.date, local.minutes, zone).getTime();
				expect(localDateTime(back, zone)).toEqual(local);
				// the earlier of two equal wall times, so never later than the instant we came from
				expect(back).toBeLessThanOrEqual(instant);
			})
		);
	});
});

describe('workdays', () => {
	it('closes weekends and holidays, and opens 调休 working weekends', () => {
		expect(isWorkday('2025-09-26', weekdaysOnly)).toBe(true); // Friday
		expect(isWorkday('2025-09-27', weekdaysOnly)).toBe(false); // Saturday
		expect(isWorkday('2025-09-28', weekdaysOnly)).toBe(true); // Sunday, 调休
		expect(isWorkday('2025-10-01', weekdaysOnly)).toBe(false); // National Day
		expect(isWorkday('2025-10-11', weekdaysOnly)).toBe(true); // Saturday, 调休
	});

	it('lets a holiday win over an adjusted working day listed by mistake', () => {
		expect(isWorkday('2025-10-01', { ...weekdaysOnly, adjustedWorkdays: ['2025-10-01'] })).toBe(
			false
		);
	});

	it('counts workdays after and before, skipping closed days', () => {
		expect(workdaysAfter('2025-09-19', 3, weekdaysOnly)).toBe('2025-09-24'); // Fri → Wed
		expect(workdaysBefore('2025-09-24', 3, weekdaysOnly)).toBe('2025-09-19');
		// over National Day: Tue 30 Sep, then Thu 9 Oct
		expect(workdaysAfter('2025-09-29', 2, weekdaysOnly)).toBe('2025-10-09');
		expect(workdaysBefore('2025-10-09', 1, weekdaysOnly)).toBe('2025-09-30');
		// the 调休 Sunday counts
		expect(workdaysAfter('2025-09-26', 1, weekdaysOnly)).toBe('2025-09-28');
		expect(addWorkdays('2025-10-04', 0, weekdaysOnly)).toBe('2025-10-04');
		expect(addWorkdays('2025-10-04', -1, weekdaysOnly)).toBe('2025-09-30');
	});

	it('moves a closed day to the nearest workday in the direction asked', () => {
		expect(workdayOnOrBefore('2025-10-05', weekdaysOnly)).toBe('2025-09-30');
		expect(workdayOnOrAfter('2025-10-05', weekdaysOnly)).toBe('2025-10-09');
		expect(workdayOnOrAfter('2025-10-09', weekdaysOnly)).toBe('2025-10-09');
	});

	it('counts workdays between two dates', () => {
		// 28 (调休), 29, 30 September, 9 and 10 October
		expect(workdaysBetween('2025-09-26', '2025-10-10', weekdaysOnly)).toBe(5);
		expect(workdaysBetween('2025-10-10', '2025-09-26', weekdaysOnly)).toBe(-5);
		expect(workdaysBetween('2025-10-03', '2025-10-03', weekdaysOnly)).toBe(0);
	});

	it('refuses a calendar closed every day instead of looping', () => {
		const never: WorkCalendar = {
			closedWeekdays: [1, 2, 3, 4, 5, 6, 7],
			holidays: [],
			adjustedWorkdays: []
		};
		expect(() => workdaysAfter('2026-01-01', 1, never)).toThrow(RangeError);
	});

	it('across a year end with every day open, a workday is a day', () => {
		const open: WorkCalendar = { closedWeekdays: [], holidays: [], adjustedWorkdays: [] };
		expect(workdaysAfter('2025-12-30', 3, open)).toBe('2026-01-02');
	});
});
