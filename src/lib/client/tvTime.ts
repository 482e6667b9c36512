import { m } from '$lib/paraglide/messages';
import type { StoreTime } from './format';

/** Built once per (locale, zone): a formatter costs far more to build than to use. */
const formats = new Map<string, { weekday: Intl.DateTimeFormat; day: Intl.DateTimeFormat }>();

function formatsFor(locale: string, timeZone: string) {
	const key = `${locale} ${timeZone}`;
	let found = formats.get(key);
	if (!found) {
		found = {
			weekday: new Intl.DateTimeFormat(locale, { timeZone, weekday: 'short' }),
			day: new Intl.DateTimeFormat(locale, { timeZone, month: 'numeric', day: 'numeric' })
		};
		formats.set(key, found);
	}
	return found;
}

/**
 * An appointment as the wall TV says it, short enough for one line of a narrow column in large
 * type: "09:30" today, "明天 09:30", "周五 09:30" within the coming week (the prep column looks up
 * to 6 days ahead), else "3/20 09:30". `today` is the store-local date key of now.
 */
export function tvDue(time: StoreTime, iso: string, today: string): string {
	const clock = time.time(iso);
	const days = Math.round((Date.parse(time.dateKey(iso)) - Date.parse(today)) / 86_400_000);
	if (days === 0) return clock;
	if (days === 1) return `${m.day_tomorrow()} ${clock}`;
	if (days === -1) return `${m.day_yesterday()} ${clock}`;
	const f = formatsFor(time.locale, time.timeZone);
	const day = days > 1 && days < 7 ? f.weekday : f.day;
	return `${day.format(new Date(iso))} ${clock}`;
}
