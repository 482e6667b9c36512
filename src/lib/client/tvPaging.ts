/**
 * The wall TV's paging arithmetic, pure: a column shows whole cards only, as many as fit, and turns
 * its pages by itself. Nobody touches the TV, so each rule here is about what the eye finds when it
 * looks up: the most urgent cards (the top of the column) come back first, and a card that just
 * arrived is shown rather than hidden on another page.
 */

/** How long a page stays: long enough to read a column's plates from across the workshop. */
export const PAGE_MS = 9_000;

/** Cards per page before the column has been measured (the server's render): a 1080p TV's. */
export const UNMEASURED_PER_PAGE = 5;

/**
 * Whole cards of `card` px, `gap` px apart, that fit in `height` px. At least one: a card too tall
 * for a tiny screen is still shown rather than nothing.
 */
export function cardsThatFit(height: number, card: number, gap: number): number {
	if (!(height > 0) || !(card > 0)) return UNMEASURED_PER_PAGE;
	// a hair of slack: sub-pixel layout must not drop a card that fits exactly
	return Math.max(1, Math.floor((height + gap + 0.5) / (card + gap)));
}

export function pageCount(cards: number, perPage: number): number {
	return Math.max(1, Math.ceil(cards / Math.max(1, perPage)));
}

/** The page after this one, back to the first after the last. */
export function nextPage(page: number, pages: number): number {
	return page + 1 >= pages ? 0 : page + 1;
}

/**
 * The page to show after the column changed (cards came or went, or the screen was resized):
 * the page of `arrived` (the index of a card that just moved here) so its highlight is seen; else
 * the same page while it still exists; else the first page again.
 */
export function pageAfterChange(
	page: number,
	cards: number,
	perPage: number,
	arrived: number = -1
): number {
	const pages = pageCount(cards, perPage);
	if (arrived >= 0 && arrived < cards) return Math.floor(arrived / Math.max(1, perPage));
	return page < pages ? page : 0;
}

/** The cards of `page`, and how many of the column's are not on it ("还有 3 辆"). */
export function pageSlice<T>(cards: readonly T[], page: number, perPage: number) {
	const shown = cards.slice(page * perPage, (page + 1) * perPage);
	return { shown, hidden: cards.length - shown.length };
}
