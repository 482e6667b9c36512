/**
 * The overdue badge, on its own so that every screen's bundle takes only this and not the prep
 * rules themselves (overdue.ts): the deadline is computed by the server and kept with the card.
 */
import type { Column } from './board';

/** the columns of a car not yet here: prep rules apply to them */
export const PREP_COLUMNS: readonly Column[] = ['prep', 'ready', 'confirmed'];

/**
 * The badge every screen shows from a card's `prepDueAt`: overdue once it passed, due today on
 * its last store-local day (the deadline is the end of that day), nothing otherwise or past prep.
 */
export function prepBadge(
	card: { column: Column; prepDueAt: string | null },
	now: number,
	/** the store-local date (YYYY-MM-DD) of an instant: calendar.ts localDate, or the screen's StoreTime */
	dayOf: (instant: number) => string
): 'overdue' | 'dueToday' | null {
	if (!card.prepDueAt || !PREP_COLUMNS.includes(card.column)) return null;
	const due = Date.parse(card.prepDueAt);
	if (now >= due) return 'overdue';
	return dayOf(now) === dayOf(due - 1) ? 'dueToday' : null;
}
