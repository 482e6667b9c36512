import type { BoardCard } from '$lib/domain/board';
import { pageAfterChange } from './tvPaging';

/**
 * Which page of one column the wall TV shows. The column tells it each time its cards or the
 * number that fit change; a card that has just moved here (on another screen) is brought into
 * view, so its highlight is seen; otherwise the page stays, or starts over from the top when it
 * no longer exists. Turning the page on a timer is the component's (it owns the timer's life).
 */
export class ColumnPager {
	page = $state(0);
	/** the ids the column held at the last update: whatever is new since has just arrived */
	#known: Set<number> | undefined;

	/** Call untracked: it reads and writes `page`. */
	update(cards: readonly BoardCard[], perPage: number, justMoved: (cardId: number) => boolean) {
		const known = this.#known;
		const arrived = known ? cards.findIndex((c) => !known.has(c.id) && justMoved(c.id)) : -1;
		this.#known = new Set(cards.map((c) => c.id));
		const page = pageAfterChange(this.page, cards.length, perPage, arrived);
		if (page !== this.page) this.page = page;
	}
}
