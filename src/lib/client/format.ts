import { m } from '$lib/paraglide/messages';
import { offsetAt, type ZoneOffsets } from '$lib/domain/zone';

interface Formats {
	time: Intl.DateTimeFormat;
	dateKey: Intl.DateTimeFormat;
	date: Intl.DateTimeFormat;
}

/**
 * Building a DateTimeFormat costs far more than formatting with it (ICU loads the locale's and
 * the zone's data): built once per (locale, zone) and process, not per page render, and only
 * when needed (see StoreTime).
 */
const formatsByKey = new Map<string, Formats>();

function formats(locale: string, timeZone: string): Formats {
	const key = `${locale} ${timeZone}`;
	let found = formatsByKey.get(key);
	if (!found) {
		found = {
			time: new Intl.DateTimeFormat(locale, {
				timeZone,
				hour: '2-digit',
				minute: '2-digit',
				hourCycle: 'h23'
			}),
			// en-CA formats as YYYY-MM-DD: a sortable local-date key
			dateKey: new Intl.DateTimeFormat('en-CA', {
				timeZone,
				year: 'numeric',
				month: '2-digit',
				day: '2-digit'
			}),
			date: new Intl.DateTimeFormat(locale, {
				timeZone,
				month: 'short',
				day: 'numeric',
				weekday: 'short'
			})
		};
		formatsByKey.set(key, found);
	}
	return found;
}

/** A date's words as Intl writes them (month: 'short', day: 'numeric', weekday: 'short'). */
const DATE_WORDS: Record<string, (month: number, day: number, weekday: number) => string> = {
	'zh-CN': (month, day, weekday) => `${month + 1}月${day}日周${'日一二三四五六'[weekday]}`,
	en: (month, day, weekday) =>
		`${['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][weekday]}, ${
			['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][month]
		} ${day}`
};

const two = (n: number) => (n < 10 ? `0${n}` : String(n));

/**
 * Times as the store reads them: every clock on the board is the store's own time zone, whatever
 * the screen's. 500 cards share one set of formatters.
 *
 * With the zone's offsets (`zone`, from the server: domain/zone.ts) the store's wall clock is
 * worked out without Intl, whose first use on a page costs 15–30 ms of ICU loading; outside the
 * table's span, or for a language without its words here, Intl does it. Both give the same
 * strings (format.spec.ts), so the server and the screen render alike.
 */
export class StoreTime {
	readonly locale: string;
	readonly timeZone: string;
	readonly #zone: ZoneOffsets | undefined;
	readonly #words: ((month: number, day: number, weekday: number) => string) | undefined;

	constructor(locale: string, timeZone: string, zone?: ZoneOffsets) {
		this.locale = locale;
		this.timeZone = timeZone;
		this.#zone = zone;
		this.#words = DATE_WORDS[locale];
	}

	get #intl(): Formats {
		return formats(this.locale, this.timeZone);
	}

	/** the store's wall clock at `at` as a UTC date, if the table covers it */
	#wall(at: Date | number | string): Date | undefined {
		if (!this.#zone) return undefined;
		const ms = new Date(at).getTime();
		const offset = offsetAt(this.#zone, ms);
		return offset === undefined ? undefined : new Date(ms + offset * 60_000);
	}

	/** HH:MM in the store's zone */
	time(at: Date | number | string): string {
		const wall = this.#wall(at);
		if (wall) return `${two(wall.getUTCHours())}:${two(wall.getUTCMinutes())}`;
		return this.#intl.time.format(new Date(at));
	}

	/** the date as a wall clock shows it: 11月24日周一 / Mon, Nov 24 */
	date(at: Date | number | string): string {
		const wall = this.#words && this.#wall(at);
		if (wall) return this.#words!(wall.getUTCMonth(), wall.getUTCDate(), wall.getUTCDay());
		return this.#intl.date.format(new Date(at));
	}

	/** the store-local calendar date, YYYY-MM-DD */
	dateKey(at: Date | number | string): string {
		const wall = this.#wall(at);
		if (wall) return `${wall.getUTCFullYear()}-${two(wall.getUTCMonth() + 1)}-${two(wall.getUTCDate())}`;
		return this.#intl.dateKey.format(new Date(at));
	}

	/**
	 * An appointment as people say it: "09:30" today, "明天 09:30", else "11月28日周五 09:30".
	 * `today` is the store-local date key of now.
	 */
	due(iso: string, today: string): string {
		const time = this.time(iso);
		const days = dayDiff(today, this.dateKey(iso));
		if (days === 0) return time;
		if (days === 1) return `${m.day_tomorrow()} ${time}`;
		if (days === -1) return `${m.day_yesterday()} ${time}`;
		return `${this.date(iso)} ${time}`;
	}
}

function dayDiff(from: string, to: string): number {
	return Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);
}

/** How long something has lasted, in the largest units that matter at a glance. */
export function duration(ms: number): string {
	const minutes = Math.max(0, Math.floor(ms / 60_000));
	if (minutes < 60) return m.duration_minutes({ minutes });
	const hours = Math.floor(minutes / 60);
	if (hours < 24) return m.duration_hours({ hours, minutes: minutes % 60 });
	return m.duration_days({ days: Math.floor(hours / 24), hours: hours % 24 });
}
