import { COLUMNS, type BoardCard, type Column } from './board';
import { compareCards } from './ordering';

/**
 * How many cards of each column the first render shows (the server's HTML and the hydration): a
 * wall TV's screenful (1920×1080 shows 7 per column, the 7th in part; 1280×800 shows 6). Every card
 * rendered here is laid out and hydrated before the board is live, about 1 ms each on the bench
 * machine (an 8th per column cost 7 cards no screen of that size shows); the rest follow in a
 * few steps once it is, so 500 cards do not stand between the page and its socket.
 */
export const FIRST_CARDS = 7;

/** What the board page carries: the first screenful of each column, and every column's count. */
export interface FirstScreen {
	/** the first FIRST_CARDS cards of each column, in the board's order */
	cards: BoardCard[];
	/**
	 * every column's number of cards, when `cards` is not the whole board (the rest arrives with
	 * the screen's first `board:sync`); null when it is
	 */
	counts: Record<Column, number> | null;
}

/** The first screenful of a board: each column sorted once, its first FIRST_CARDS cards. */
export function firstScreen(cards: readonly BoardCard[]): FirstScreen {
	const grouped = Object.fromEntries(COLUMNS.map((c) => [c, [] as BoardCard[]])) as Record<
		Column,
		BoardCard[]
	>;
	for (const card of cards) grouped[card.column].push(card);
	const first: BoardCard[] = [];
	let complete = true;
	for (const column of COLUMNS) {
		const list = grouped[column];
		if (list.length > FIRST_CARDS) complete = false;
		first.push(...list.sort(compareCards).slice(0, FIRST_CARDS));
	}
	if (complete) return { cards: first, counts: null };
	const counts = Object.fromEntries(COLUMNS.map((c) => [c, grouped[c].length])) as Record<
		Column,
		number
	>;
	return { cards: first, counts };
}
