import { m } from '$lib/paraglide/messages';

interface Formats {
	time: Intl.DateTimeFormat;
	dateKey: Intl.DateTimeFormat;
	date: Intl.DateTimeFormat;
}

/**
 * Building a DateTimeFormat costs far more than formatting with it (ICU loads the locale's and
 * the zone's data): built once per (locale, zone) and process, not per page render.
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

/**
 * Times as the store reads them: every clock on the board is the store's own time zone, whatever
 * the screen's. 500 cards share one set of formatters.
 */
export class StoreTime {
	readonly #time: Intl.DateTimeFormat;
	readonly #dateKey: Intl.DateTimeFormat;
	readonly #date: Intl.DateTimeFormat;

	readonly locale: string;
	readonly timeZone: string;

	constructor(locale: string, timeZone: string) {
		this.locale = locale;
		this.timeZone = timeZone;
		const f = formats(locale, timeZone);
		this.#time = f.time;
		this.#dateKey = f.dateKey;
		this.#date = f.date;
	}

	/** HH:MM in the store's zone */
	time(at: Date | number | string): string {
		return this.#time.format(new Date(at));
	}

	/** the date as a wall clock shows it: 11月24日周一 / Mon, Nov 24 */
	date(at: Date | number | string): string {
		return this.#date.format(new Date(at));
	}

	/** the store-local calendar date, YYYY-MM-DD */
	dateKey(at: Date | number | string): string {
		return this.#dateKey.format(new Date(at));
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
		return `${this.#date.format(new Date(iso))} ${time}`;
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
