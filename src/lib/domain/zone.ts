/**
 * A time zone's offsets from UTC over a span of time, so that a screen can show the store's
 * clock without `Intl`: a browser's first `Intl.DateTimeFormat` loads ICU's locale and zone data
 * (15–30 ms of a cold board load, on the main thread while the page hydrates). The server, whose
 * ICU is loaded anyway, works the table out (`zoneOffsets`) and sends it with the page; the
 * screen's `StoreTime` (client/format.ts) reads it, and falls back to `Intl` outside its span.
 */
export interface ZoneOffsets {
	/** the span covered: [from, until), epoch ms */
	from: number;
	until: number;
	/** from each instant on (epoch ms), the offset in minutes east of UTC; the first is `from` */
	changes: [at: number, offset: number][];
}

const MINUTE = 60_000;
const DAY = 86_400_000;

/** The offset (minutes east of UTC) at `at`, or undefined outside the table's span. */
export function offsetAt(zone: ZoneOffsets, at: number): number | undefined {
	if (!(at >= zone.from && at < zone.until)) return undefined;
	let offset = zone.changes[0][1];
	for (const [from, value] of zone.changes) {
		if (from > at) break;
		offset = value;
	}
	return offset;
}

const probes = new Map<string, Intl.DateTimeFormat>();

/** The offset of `timeZone` at `at` (minutes east of UTC), by Intl. */
export function intlOffset(timeZone: string, at: number): number {
	let probe = probes.get(timeZone);
	if (!probe) {
		probe = new Intl.DateTimeFormat('en-US', {
			timeZone,
			hourCycle: 'h23',
			year: 'numeric',
			month: 'numeric',
			day: 'numeric',
			hour: 'numeric',
			minute: 'numeric',
			second: 'numeric'
		});
		probes.set(timeZone, probe);
	}
	const part: Record<string, number> = {};
	for (const p of probe.formatToParts(at)) if (p.type !== 'literal') part[p.type] = Number(p.value);
	const wall = Date.UTC(part.year, part.month - 1, part.day, part.hour, part.minute, part.second);
	return Math.round((wall - Math.floor(at / 1000) * 1000) / MINUTE);
}

const tables = new Map<string, ZoneOffsets>();

/**
 * The offsets of `timeZone` from `before` ms before `around` to `after` ms after it, every
 * change to the minute. Zones change their offset a few times a year at most: the span is walked
 * a day at a time and each change found is narrowed down by halving. Kept per zone and hour.
 */
export function zoneOffsets(timeZone: string, around: number, before = 40 * DAY, after = 200 * DAY): ZoneOffsets {
	const hour = Math.floor(around / 3_600_000) * 3_600_000;
	const key = `${timeZone} ${hour} ${before} ${after}`;
	const kept = tables.get(key);
	if (kept) return kept;
	// whole minutes: every offset in use is, and a change happens on one
	const from = Math.floor((hour - before) / MINUTE) * MINUTE;
	const until = hour + 3_600_000 + after;
	const changes: [number, number][] = [[from, intlOffset(timeZone, from)]];
	for (let t = from; t < until; ) {
		const next = Math.min(t + DAY, until);
		const at = changes[changes.length - 1][1];
		if (intlOffset(timeZone, next) !== at) {
			// the first minute in (t, next] with another offset
			let lo = t;
			let hi = next;
			while (hi - lo > MINUTE) {
				const mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE;
				if (intlOffset(timeZone, mid) === at) lo = mid;
				else hi = mid;
			}
			changes.push([hi, intlOffset(timeZone, hi)]);
			t = hi;
		} else t = next;
	}
	const table = { from, until, changes };
	if (tables.size > 100) tables.clear();
	tables.set(key, table);
	return table;
}
