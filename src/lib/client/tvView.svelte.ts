import { createContext } from 'svelte';
import type { BoardState } from './board.svelte';
import type { LiveBoard } from './live.svelte';
import type { MinuteClock } from './clock.svelte';
import type { StoreTime } from './format';

/**
 * What the wall TV's components share: the board's own state and live link (the same ordering,
 * sequence and catch-up as every other screen), the store's clock, and the height of a card and
 * of the gap between cards as this screen lays them out (the columns page by them). Handed down
 * by context.
 */
export class TvView {
	readonly board: BoardState;
	readonly live: LiveBoard;
	readonly time: StoreTime;
	readonly clock: MinuteClock;
	/** the store-local date: appointments are labelled today / tomorrow against it */
	readonly today: string;
	/** a card's height on this screen, px (0 until measured): every TV card is this tall */
	cardHeight = $state(0);
	/** the gap between two cards, px */
	gap = $state(0);

	constructor(board: BoardState, live: LiveBoard, time: StoreTime, clock: MinuteClock) {
		this.board = board;
		this.live = live;
		this.time = time;
		this.clock = clock;
		this.today = $derived(time.dateKey(clock.now));
	}
}

export const [getTvView, setTvView] = createContext<TvView>();
