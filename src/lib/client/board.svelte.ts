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

/**
 * The board as one screen knows it: the committed cards up to sequence `applied`, with this
 * screen's own unacknowledged moves laid over them. Pure state, no I/O: the socket lives in
 * LiveBoard, so these rules can be reasoned about (and tested) on their own.
 *
 * @example
 * const board = new BoardState(data.cards, data.head);
 * board.columns.prep; // the prep cards, in compareCards order
 */
export class BoardState {
	/** the cards as the server committed them, by id */
	readonly #committed = new SvelteMap<number, BoardCard>();
	/** this screen's optimistic moves, by card id */
	readonly pending = new SvelteMap<number, PendingMove>();
	readonly #marks = new Map<number, CardMarks>();
	#previous: Partial<Record<Column, BoardCard[]>> = {};
	/** the last board event this screen has applied */
	applied = $state(0);

	/** every column's cards as the screen shows them, each in the board's only order */
	readonly columns: Record<Column, BoardCard[]> = $derived.by(() => {
		const grouped = Object.fromEntries(COLUMNS.map((c) => [c, [] as BoardCard[]])) as Record<
			Column,
			BoardCard[]
		>;
		for (const card of this.#committed.values()) {
			const shown = this.#shown(card);
			grouped[shown.column].push(shown);
		}
		for (const column of COLUMNS) {
			grouped[column].sort(compareCards);
			// a column whose cards did not change keeps its array: its list is not even diffed
			const before = this.#previous[column];
			if (before && sameCards(before, grouped[column])) grouped[column] = before;
		}
		this.#previous = grouped;
		return grouped;
	});

	constructor(cards: BoardCard[], head: number) {
		for (const card of cards) this.#committed.set(card.id, card);
		this.applied = head;
	}

	/** the card as shown: committed, or where this screen's pending move put it */
	card(id: number): BoardCard | undefined {
		const card = this.#committed.get(id);
		return card && this.#shown(card);
	}

	get size() {
		return this.#committed.size;
	}

	#shown(card: BoardCard): BoardCard {
		const move = this.pending.get(card.id);
		return move ? { ...card, column: move.to } : card;
	}

	/** A newer version of a card wins; an older one (a late or replayed fact) changes nothing. */
	#put(card: BoardCard) {
		const known = this.#committed.get(card.id);
		if (!known || card.version >= known.version) this.#committed.set(card.id, card);
	}

	/**
	 * Applies one committed event in sequence order: the next one is applied, an old one ignored,
	 * and one beyond the next reports a gap (the caller then syncs).
	 */
	apply(event: BoardEvent): ApplyResult {
		if (event.seq <= this.applied) return 'stale';
		if (event.seq !== this.applied + 1) return 'gap';
		this.#put(event.card);
		this.applied = event.seq;
		return 'applied';
	}

	/** Replaces the board with a snapshot taken at `head` (ignored when older than what we have). */
	replace(cards: BoardCard[], head: number) {
		if (head < this.applied) return;
		const next = new Map(cards.map((c) => [c.id, c]));
		for (const id of [...this.#committed.keys()]) if (!next.has(id)) this.#committed.delete(id);
		for (const card of next.values()) this.#put(card);
		this.applied = head;
	}

	/** Adopts the server's current card (sent with a refusal): what really is, whatever we showed. */
	adopt(card: BoardCard) {
		this.#put(card);
	}

	begin(card: BoardCard, move: PendingMove) {
		this.pending.set(card.id, move);
		this.marks(card.id).busy = true;
	}

	/** Drops the optimistic move (it either committed, or is rolled back to the committed card). */
	settle(cardId: number, idempotencyKey: string) {
		if (this.pending.get(cardId)?.idempotencyKey !== idempotencyKey) return;
		this.pending.delete(cardId);
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

function sameCards(a: BoardCard[], b: BoardCard[]): boolean {
	return a.length === b.length && a.every((card, i) => card === b[i]);
}
