/**
 * A time zone's offsets from UTC over a span of time, so that a screen can show the store's
 * clock without `Intl`: a browser's first `Intl.DateTimeFormat` loads ICU's locale and zone data
 * (15–30 ms of a cold board load, on the main thread while the page hydrates). The server, whose
 * ICU is loaded anyway, works the table out (`zoneOffsets` in calendar.ts) and sends it with the
 * page; the screen's `StoreTime` (client/format.ts) reads it, and falls back to `Intl` outside its
 * span. This module is the screen's part: it must not carry the calendar into the board's bundle.
 */
export interface ZoneOffsets {
	/** the span covered: [from, until), epoch ms */
	from: number;
	until: number;
	/** from each instant on (epoch ms), the offset in minutes east of UTC; the first is `from` */
	changes: [at: number, offset: number][];
}

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
