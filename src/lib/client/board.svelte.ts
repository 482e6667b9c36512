import { SvelteMap } from 'svelte/reactivity';
import { COLUMNS, type BoardCard, type Column } from '$lib/domain/board';
import { compareCards } from '$lib/domain/ordering';
import type { BoardEvent } from '$lib/realtime/contract';

/** A move the screen shows before the server acknowledged it. */
export interface PendingMove {
	to: Column;
	idempotencyKey: string;
	expectedVersion: number;
}

/** What a card shows about itself besides its data. */
export class CardMarks {
	/** a move of it awaits the server's answer */
	busy = $state(false);
	/** it just moved on another screen */
	flash = $state(false);
	/** a pointer drags it */
	dragged = $state(false);
	/** the keyboard carries it */
	carried = $state(false);
	/** its "move to…" menu is open */
	menu = $state(false);
}

export type ApplyResult = 'applied' | 'stale' | 'gap';

const FLASH_MS = 2_500;

/** One column's cards as the screen shows them, in the board's order: its own signal. */
class ColumnCards {
	cards = $state.raw<BoardCard[]>([]);
}

/**
 * The board as one screen knows it: the committed cards up to sequence `applied`, with this
 * screen's own unacknowledged moves laid over them. Pure state, no I/O: the socket lives in
 * LiveBoard, so these rules can be reasoned about (and tested) on their own.
 *
 * Each column's list is kept in order as cards come and go: a move takes the card out of one
 * list and puts it into the other at its place (a binary search), so the two columns it touches
 * change and the other five, and the other 498 cards, are not looked at.
 *
 * The board page carries only the first screenful of each column and every column's count
 * (`counts`): the board is then `partial` until the first snapshot replaces it, and a column's
 * count is its cards plus those not here yet.
 *
 * @example
 * const board = new BoardState(data.cards, data.head, data.counts);
 * board.columns.prep; // the prep cards, in compareCards order
 * board.count('prep'); // how many cards prep has, even before the rest of them arrived
 */
export class BoardState {
	/** the cards as the server committed them, by id */
	readonly #committed = new Map<number, BoardCard>();
	/** every card as the screen shows it: committed, or where this screen's pending move put it */
	readonly #shown = new SvelteMap<number, BoardCard>();
	readonly #lists = Object.fromEntries(COLUMNS.map((c) => [c, new ColumnCards()])) as Record<
		Column,
		ColumnCards
	>;
	/** this screen's optimistic moves, by card id */
	readonly pending = new SvelteMap<number, PendingMove>();
	readonly #marks = new Map<number, CardMarks>();
	/** the last board event this screen has applied */
	applied = $state(0);
	/** only the first screenful is here: the whole board comes with the next snapshot */
	partial = $state(false);
	/** while partial: each column's cards not here yet (the page's count minus its cards) */
	readonly #hidden: Partial<Record<Column, number>> = {};

	/** every column's cards as the screen shows them, each in the board's only order */
	readonly columns = Object.defineProperties(
		{},
		Object.fromEntries(
			COLUMNS.map((c) => [c, { enumerable: true, get: () => this.#lists[c].cards }])
		)
	) as Readonly<Record<Column, BoardCard[]>>;

	constructor(cards: BoardCard[], head: number, counts: Record<Column, number> | null = null) {
		for (const card of cards) this.#committed.set(card.id, card);
		this.#showAll();
		this.applied = head;
		if (counts) {
			this.partial = true;
			for (const c of COLUMNS) this.#hidden[c] = counts[c] - this.#lists[c].cards.length;
		}
	}

	/**
	 * How many cards the column has: those shown, and (partial) those not here yet, so that a
	 * move shown before the rest arrived still counts right.
	 */
	count(column: Column): number {
		return this.#lists[column].cards.length + (this.partial ? this.#hidden[column]! : 0);
	}

	/** the card as shown: committed, or where this screen's pending move put it */
	card(id: number): BoardCard | undefined {
		return this.#shown.get(id);
	}

	get size() {
		return this.#shown.size;
	}

	/**
	 * A newer version of a card wins; an older one (a late or replayed fact) changes nothing, nor
	 * does the same card again (a snapshot's copy of a card the page already shows keeps the
	 * object the screen renders, so its element is not even looked at).
	 */
	#put(card: BoardCard): boolean {
		const known = this.#committed.get(card.id);
		if (known && (card.version < known.version || (card.version === known.version && same(known, card)))) {
			return false;
		}
		this.#committed.set(card.id, card);
		return true;
	}

	/** the card as this screen shows it, from the committed one and a pending move of it */
	#overlay(card: BoardCard): BoardCard {
		const move = this.pending.get(card.id);
		return move && move.to !== card.column ? { ...card, column: move.to } : card;
	}

	/** Shows one card anew: out of the list it stood in, into its column's list at its place. */
	#show(id: number) {
		const committed = this.#committed.get(id);
		const before = this.#shown.get(id);
		const after = committed && this.#overlay(committed);
		if (before === after) return;
		if (before) {
			const list = this.#lists[before.column];
			list.cards = list.cards.filter((c) => c !== before);
		}
		if (after) {
			const list = this.#lists[after.column];
			list.cards = insertInOrder(list.cards, after);
			this.#shown.set(id, after);
		} else {
			this.#shown.delete(id);
		}
	}

	/** Shows every card anew (the first render, a snapshot): each list sorted once. */
	#showAll() {
		const grouped = Object.fromEntries(COLUMNS.map((c) => [c, [] as BoardCard[]])) as Record<
			Column,
			BoardCard[]
		>;
		for (const id of [...this.#shown.keys()]) if (!this.#committed.has(id)) this.#shown.delete(id);
		for (const card of this.#committed.values()) {
			const shown = this.#overlay(card);
			if (this.#shown.get(card.id) !== shown) this.#shown.set(card.id, shown);
			grouped[shown.column].push(shown);
		}
		for (const column of COLUMNS) {
			const list = this.#lists[column];
			const next = grouped[column].sort(compareCards);
			// a column whose cards did not change keeps its array: its list is not even diffed
			if (!sameCards(list.cards, next)) list.cards = next;
		}
	}

	/**
	 * Applies one committed event in sequence order: the next one is applied, an old one ignored,
	 * and one beyond the next reports a gap (the caller then syncs).
	 */
	apply(event: BoardEvent): ApplyResult {
		if (event.seq <= this.applied) return 'stale';
		if (event.seq !== this.applied + 1) return 'gap';
		if (event.type === 'card:archived') this.#remove(event.card);
		else if (this.#put(event.card)) this.#show(event.card.id);
		this.applied = event.seq;
		return 'applied';
	}

	/** Takes a card off the board (archived): unless the screen already knows a newer version. */
	#remove(card: BoardCard) {
		const known = this.#committed.get(card.id);
		if (known && card.version < known.version) return;
		this.#committed.delete(card.id);
		this.pending.delete(card.id);
		this.#show(card.id);
	}

	/** Replaces the board with a snapshot taken at `head` (ignored when older than what we have). */
	replace(cards: BoardCard[], head: number) {
		if (head < this.applied) return;
		const next = new Map(cards.map((c) => [c.id, c]));
		for (const id of [...this.#committed.keys()]) if (!next.has(id)) this.#committed.delete(id);
		for (const card of next.values()) this.#put(card);
		this.#showAll();
		this.applied = head;
		this.partial = false;
	}

	/** Adopts the server's current card (sent with a refusal): what really is, whatever we showed. */
	adopt(card: BoardCard) {
		if (this.#put(card)) this.#show(card.id);
	}

	begin(card: BoardCard, move: PendingMove) {
		this.pending.set(card.id, move);
		this.#show(card.id);
		this.marks(card.id).busy = true;
	}

	/** Drops the optimistic move (it either committed, or is rolled back to the committed card). */
	settle(cardId: number, idempotencyKey: string) {
		if (this.pending.get(cardId)?.idempotencyKey !== idempotencyKey) return;
		this.pending.delete(cardId);
		this.#show(cardId);
		this.marks(cardId).busy = false;
	}

	flash(cardId: number) {
		const marks = this.marks(cardId);
		marks.flash = true;
		clearTimeout(this.#flashTimers.get(cardId));
		this.#flashTimers.set(
			cardId,
			setTimeout(() => (marks.flash = false), FLASH_MS)
		);
	}

	#flashTimers = new Map<number, ReturnType<typeof setTimeout>>();

	/**
	 * The card's own marks, each its own signal: a card re-renders when its own mark changes, not
	 * when any card's does (with 500 cards, one global "which card?" would re-check them all).
	 * Get them where the component is created, outside the derived or template that reads them:
	 * Svelte does not track state read in the same reaction that created it.
	 */
	marks(cardId: number): CardMarks {
		let marks = this.#marks.get(cardId);
		if (!marks) {
			marks = new CardMarks();
			this.#marks.set(cardId, marks);
		}
		return marks;
	}
}

/** A new list with `card` at its place in the board's order (the list is in that order). */
function insertInOrder(list: BoardCard[], card: BoardCard): BoardCard[] {
	let low = 0;
	let high = list.length;
	while (low < high) {
		const mid = (low + high) >>> 1;
		if (compareCards(list[mid], card) < 0) low = mid + 1;
		else high = mid;
	}
	return [...list.slice(0, low), card, ...list.slice(low)];
}

/** Whether two JSON values are equal (a card: flat fields and a few small objects). */
function same(a: unknown, b: unknown): boolean {
	if (a === b) return true;
	if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
	const ka = Object.keys(a);
	if (ka.length !== Object.keys(b).length) return false;
	return ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function sameCards(a: BoardCard[], b: BoardCard[]): boolean {
	return a.length === b.length && a.every((card, i) => card === b[i]);
}
