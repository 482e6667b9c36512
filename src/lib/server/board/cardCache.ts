import type { BoardCard } from '$lib/domain/board';
import type { BoardEvent } from '$lib/realtime/contract';

/** cards one instance keeps; a card is about 1 KB (and most are shared with the kept boards) */
const CAPACITY = 20_000;

/**
 * The cards this instance saw last, each at the version it saw: in the boards it read, in the
 * moves it made, and in every board event it delivered to its screens (its own and, through the
 * Redis adapter, the other instances'). A move whose expected version is the kept one checks the
 * rules on the kept card and writes in one round trip (move.ts).
 *
 * Never trusted alone: that one statement writes only if the card is still at that version in
 * that store, and anything else (a miss, a refusal, a lost race) goes the way that reads the card
 * first. What a version holds cannot change without a new version: every writer of a card's own
 * row bumps it. The names the view joins in (plate, customer, technician, bay) can, which is why
 * the move takes the card it sends out from the database, not from here.
 *
 * @example
 * const cards = new CardCache();
 * cards.see(event.card);
 * cards.at(cardId, command.expectedVersion); // the card, or undefined
 */
export class CardCache {
	readonly #cards = new Map<number, BoardCard>();
	readonly #capacity: number;
	/** how moves went, for the bench and the tests: one round trip, or read first */
	readonly moves = { direct: 0, read: 0 };

	constructor(capacity = CAPACITY) {
		this.#capacity = capacity;
	}

	/** Keeps `card` unless a newer version of it is kept already. */
	see(card: BoardCard) {
		const kept = this.#cards.get(card.id);
		if (kept) {
			if (kept.version > card.version) return;
			this.#cards.delete(card.id);
		}
		this.#cards.set(card.id, card);
		// the card seen longest ago goes first
		if (this.#cards.size > this.#capacity) this.#cards.delete(this.#cards.keys().next().value!);
	}

	/** A board event this instance delivered: its card as it is now, or gone from the board. */
	seeEvent(event: BoardEvent) {
		if (event.type === 'card:archived') this.forget(event.card.id);
		else this.see(event.card);
	}

	forget(cardId: number) {
		this.#cards.delete(cardId);
	}

	/** The card as kept at exactly `version`, if it is. */
	at(cardId: number, version: number): BoardCard | undefined {
		const card = this.#cards.get(cardId);
		return card?.version === version ? card : undefined;
	}

	get size() {
		return this.#cards.size;
	}
}
