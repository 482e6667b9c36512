import { describe, expect, it } from 'vitest';
import { StoreTime } from './format';
import { offsetAt } from '$lib/domain/zone';
import { utcOffset, zoneOffsets } from '$lib/domain/calendar';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-24T03:50:00Z');

// China's two zones, and zones that move their clocks (by an hour, by half an hour) or sit at odd
// offsets: a table that gets those right gets every zone right
const ZONES = [
	'Asia/Shanghai',
	'Asia/Urumqi',
	'Europe/Berlin',
	'America/New_York',
	'Australia/Lord_Howe',
	'Asia/Kathmandu',
	'America/St_Johns',
	'UTC'
];

/** instants across the table's span: every 7 hours and 13 minutes, and the minutes around each change */
function instants(zone: ReturnType<typeof zoneOffsets>): number[] {
	const out: number[] = [];
	for (let t = zone.from; t < zone.until; t += 7 * 3_600_000 + 13 * 60_000) out.push(t);
	for (const [at] of zone.changes.slice(1)) for (const d of [-60_001, -60_000, -1, 0, 1, 59_999]) out.push(at + d);
	return out;
}

describe('zoneOffsets', () => {
	it.each(ZONES)('%s: the table gives Intl’s offset at every instant of its span', (timeZone) => {
		const zone = zoneOffsets(timeZone, NOW);
		expect(zone.from).toBeLessThanOrEqual(NOW - 40 * DAY);
		expect(zone.until).toBeGreaterThanOrEqual(NOW + 200 * DAY);
		for (const at of instants(zone)) expect(offsetAt(zone, at), new Date(at).toISOString()).toBe(utcOffset(at, timeZone));
	});

	it('finds each change of a zone that moves its clocks, to the minute', () => {
		// Berlin: summer time until 2026-10-25 01:00 UTC, again from 2027-03-28 01:00 UTC
		const zone = zoneOffsets('Europe/Berlin', NOW);
		expect(zone.changes.map(([at, offset]) => [new Date(at).toISOString(), offset])).toEqual([
			[new Date(zone.from).toISOString(), 120],
			['2026-10-25T01:00:00.000Z', 60],
			['2027-03-28T01:00:00.000Z', 120]
		]);
		// Shanghai never changes
		expect(zoneOffsets('Asia/Shanghai', NOW).changes).toHaveLength(1);
	});

	it('says nothing outside its span', () => {
		const zone = zoneOffsets('Asia/Shanghai', NOW);
		expect(offsetAt(zone, zone.from - 1)).toBeUndefined();
		expect(offsetAt(zone, zone.until)).toBeUndefined();
		expect(offsetAt(zone, Number.NaN)).toBeUndefined();
	});
});

describe('StoreTime with the zone table', () => {
	it.each(ZONES.flatMap((z) => ['zh-CN', 'en'].map((l) => [z, l])))(
		'%s, %s: the same strings as Intl',
		(timeZone, locale) => {
			const zone = zoneOffsets(timeZone, NOW);
			const table = new StoreTime(locale, timeZone, zone);
			const intl = new StoreTime(locale, timeZone);
			const today = intl.dateKey(NOW);
			for (const at of instants(zone)) {
				const iso = new Date(at).toISOString();
				expect(table.time(at), iso).toBe(intl.time(at));
				expect(table.dateKey(iso), iso).toBe(intl.dateKey(iso));
				expect(table.date(at), iso).toBe(intl.date(at));
				expect(table.due(iso, today), iso).toBe(intl.due(iso, today));
			}
		}
	);

	it('outside the table, and for a language it has no words for, Intl answers', () => {
		const zone = zoneOffsets('Asia/Shanghai', NOW);
		const table = new StoreTime('zh-CN', 'Asia/Shanghai', zone);
		const late = NOW + 300 * DAY;
		expect(table.date(late)).toBe(new StoreTime('zh-CN', 'Asia/Shanghai').date(late));
		expect(table.time(late)).toBe('11:50');
		const de = new StoreTime('de', 'Asia/Shanghai', zone);
		expect(de.date(NOW)).toBe(new Intl.DateTimeFormat('de', { timeZone: 'Asia/Shanghai', month: 'short', day: 'numeric', weekday: 'short' }).format(NOW));
	});

	it('reads the wall clock the store reads: 11:50 on Tuesday 24 November in Shanghai', () => {
		const table = new StoreTime('zh-CN', 'Asia/Shanghai', zoneOffsets('Asia/Shanghai', NOW));
		expect(table.time(NOW)).toBe('11:50');
		expect(table.date(NOW)).toBe('11月24日周二');
		expect(table.dateKey(NOW)).toBe('2026-11-24');
		expect(new StoreTime('en', 'Asia/Shanghai', zoneOffsets('Asia/Shanghai', NOW)).date(NOW)).toBe('Tue, Nov 24');
	});
});
