import type { BoardCard } from '$lib/domain/board';
import { firstScreen, type FirstScreen } from '$lib/domain/firstScreen';
import { sparseCard, type SparseCard } from '$lib/domain/sparseCard';
import type { Sql } from '../db/connect';
import * as board from '../db/board';
import type { CardCache } from './cardCache';

export interface Snapshot {
	head: number;
	/** shared by every reader of this snapshot: never mutate */
	cards: BoardCard[];
}

/** stores whose board one instance keeps; a big board (500 cards) is about half a megabyte */
const CAPACITY = 200;

/**
 * The boards this instance read last, one per store, so that the screens loading the same board
 * do not each rebuild its cards (a 500-card board costs Postgres about 7 ms and this process as
 * much again to parse). A read checks the store's head sequence first (one indexed row) and
 * serves the kept board while the head has not moved.
 *
 * INVARIANT this rests on: every change to what a store's board shows bumps that store's
 * sequence (store_sequences.last_seq) in the same transaction, by appending a board event. Today
 * the writers of cards are moveCard() and the booking (appointments/book.ts), which both do. A new
 * write path (editing a card, assigning a technician, renaming a bay) must append an event too, or
 * screens loading the page would get the old board until the store's next event.
 *
 * @example
 * const snapshots = new Snapshots(sql);
 * const { head, cards } = await snapshots.read(store.id);
 */
export class Snapshots {
	readonly #sql: Sql;
	readonly #cards: CardCache | undefined;
	readonly #kept = new Map<number, Snapshot>();
	/** one rebuild per store at a time: screens reloading together after a move share it */
	readonly #building = new Map<number, Promise<Snapshot>>();

	/** each kept board's first screenful, built once: the page loads of an unchanged board share it */
	readonly #first = new WeakMap<Snapshot, FirstScreen>();
	/** each kept board's cards as screens ask for them (sparse), built once per board */
	readonly #sparse = new WeakMap<Snapshot, SparseCard[]>();

	/** `cards`: told every card of each board read (a move of one of them then needs no read) */
	constructor(sql: Sql, cards?: CardCache) {
		this.#sql = sql;
		this.#cards = cards;
	}

	/** The snapshot's cards without their fields at the usual value (domain/sparseCard.ts). */
	sparse(snap: Snapshot): SparseCard[] {
		let cards = this.#sparse.get(snap);
		if (!cards) {
			cards = snap.cards.map(sparseCard);
			this.#sparse.set(snap, cards);
		}
		return cards;
	}

	/**
	 * The first screenful of the store's board at its current head, and the head: what the board
	 * page carries (the rest reaches the screen with its first `board:sync`, from `read`).
	 */
	async first(storeId: number): Promise<FirstScreen & { head: number }> {
		const snap = await this.read(storeId);
		let first = this.#first.get(snap);
		if (!first) {
			first = firstScreen(snap.cards);
			this.#first.set(snap, first);
		}
		return { head: snap.head, ...first };
	}

	/** The store's board at its current head. `head`: the caller read it already. */
	async read(storeId: number, head?: number): Promise<Snapshot> {
		head ??= (await board.heads(this.#sql, [storeId])).get(storeId) ?? 0;
		const kept = this.#kept.get(storeId);
		if (kept && kept.head === head) {
			// most recently used last: the oldest store is the first to go
			this.#kept.delete(storeId);
			this.#kept.set(storeId, kept);
			return kept;
		}
		return this.#rebuild(storeId, head);
	}

	#rebuild(storeId: number, head: number): Promise<Snapshot> {
		const building = this.#building.get(storeId);
		if (building) {
			// its statement started before this head was read, so it may be older: then read again
			return building.then((snap) => (snap.head >= head ? snap : this.#rebuild(storeId, head)));
		}
		const promise = board
			.snapshot(this.#sql, storeId)
			.then((snap) => {
				if (this.#cards) for (const card of snap.cards) this.#cards.see(card);
				this.#keep(storeId, snap);
				return snap;
			})
			.finally(() => this.#building.delete(storeId));
		this.#building.set(storeId, promise);
		return promise;
	}

	#keep(storeId: number, snap: Snapshot) {
		const kept = this.#kept.get(storeId);
		// a slower, older read must not replace a newer board
		if (kept && kept.head > snap.head) return;
		this.#kept.delete(storeId);
		this.#kept.set(storeId, snap);
		if (this.#kept.size > CAPACITY) this.#kept.delete(this.#kept.keys().next().value!);
	}
}
