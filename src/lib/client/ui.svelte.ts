import { createContext, tick } from 'svelte';
import { m } from '$lib/paraglide/messages';
import { COLUMNS, type BoardCard, type Column } from '$lib/domain/board';
import { FIRST_CARDS } from '$lib/domain/firstScreen';
import { checkMove, type MoveCheck } from '$lib/domain/transitions';
import { can, canMoveAny, type Role } from '$lib/domain/permissions';
import type { BoardState } from './board.svelte';
import type { LiveBoard } from './live.svelte';
import type { MinuteClock } from './clock.svelte';
import type { StoreTime } from './format';
import { Announcer, Toasts } from './toasts.svelte';
import { DndTargets } from './dnd-targets.svelte';
import { columnLabel, errorLabel, refusalLabel } from './labels';

const MORE_CARDS = 16;

/** How a move was made: a pointer drop, the keyboard pick-up, or the "move to…" menu. */
export type MoveVia = 'pointer' | 'keyboard' | 'menu';

/**
 * What the board's components share: the state, the live link, the store's clock, and the user's
 * moves in progress (a pointer drag, a keyboard pick-up, an open menu). Handed down by context.
 */
export class BoardUi {
	readonly toasts = new Toasts();
	readonly announcer = new Announcer();
	readonly targets = new DndTargets();

	/** how many cards of each column are rendered (Infinity: all of them) */
	rendered = $state(FIRST_CARDS);

	/** every card is rendered */
	get complete() {
		return this.rendered === Infinity;
	}

	/** Renders the rest of the cards, a slice of each column per task, so input stays responsive. */
	renderAll(): () => void {
		let timer: ReturnType<typeof setTimeout> | undefined;
		const step = () => {
			const longest = Math.max(...COLUMNS.map((c) => this.board.columns[c].length));
			const next = this.rendered + MORE_CARDS;
			this.rendered = next >= longest ? Infinity : next;
			if (this.rendered !== Infinity) timer = setTimeout(step);
		};
		if (!this.complete) timer = setTimeout(step);
		return () => clearTimeout(timer);
	}

	/** the column under the card a pointer drags */
	over = $state<Column | null>(null);

	#dragging = $state<number | null>(null);
	#carrying = $state<{ cardId: number; target: Column } | null>(null);
	#menu = $state<{ cardId: number; anchor: HTMLElement } | null>(null);

	/** the card a pointer is dragging */
	get dragging() {
		return this.#dragging;
	}
	set dragging(id) {
		this.#mark('dragged', this.#dragging, id);
		this.#dragging = id;
	}

	/** the card picked up with the keyboard, and the column it would drop into */
	get carrying() {
		return this.#carrying;
	}
	set carrying(value) {
		this.#mark('carried', this.#carrying?.cardId ?? null, value?.cardId ?? null);
		this.#carrying = value;
	}

	/** the card whose "move to…" menu is open, and the button that opened it */
	get menu() {
		return this.#menu;
	}
	set menu(value) {
		this.#mark('menu', this.#menu?.cardId ?? null, value?.cardId ?? null);
		this.#menu = value;
	}

	readonly board: BoardState;
	readonly live: LiveBoard;
	readonly time: StoreTime;
	readonly clock: MinuteClock;
	/** the store-local date: appointments are labelled today / tomorrow against it */
	readonly today: string;
	/** the card being moved by pointer or keyboard, as it was before the move */
	readonly moving: BoardCard | undefined;

	/** the viewer's roles in this store: what the screen offers (the server checks again) */
	readonly roles: readonly Role[];
	/** the viewer may move some cards: a wall TV, parts or a store admin only read the board */
	readonly movable: boolean;

	constructor(
		board: BoardState,
		live: LiveBoard,
		time: StoreTime,
		clock: MinuteClock,
		roles: readonly Role[]
	) {
		this.roles = roles;
		this.movable = canMoveAny(roles);
		this.board = board;
		this.live = live;
		this.time = time;
		this.clock = clock;
		this.today = $derived(time.dateKey(clock.now));
		this.moving = $derived.by(() => {
			const id = this.dragging ?? this.carrying?.cardId;
			return id == null ? undefined : board.card(id);
		});
	}

	/** whether the card being moved may go to `column` (null when nothing is moving) */
	verdict(column: Column): MoveCheck | null {
		const card = this.moving;
		return card ? this.check(card, column) : null;
	}

	/** The column rules, then the viewer's role: whether this card may go to `to` from here. */
	check(card: BoardCard, to: Column): MoveCheck {
		const rules = checkMove(card, to);
		if (rules.ok && !can(this.roles, 'card:move', { from: card.column, to })) {
			return { ok: false, reason: 'notForRole' };
		}
		return rules;
	}

	/**
	 * Moves a card and tells the user how it went: a toast when refused or failed, a spoken line
	 * for keyboard users; keyboard focus follows the card to its column (and back on a rollback).
	 */
	async move(cardId: number, to: Column, via: MoveVia) {
		const card = this.board.card(cardId);
		if (!card) return;
		const plate = card.plate;
		const column = columnLabel(to);
		// dropping a dragged card back where it was is no move at all
		if (via === 'pointer' && card.column === to) return;
		if (!can(this.roles, 'card:move', { from: card.column, to })) {
			this.toasts.push('error', m.toast_move_refused({ plate, column }), refusalLabel('notForRole'));
			return;
		}

		const done = this.live.move(cardId, to);
		// accepted on this screen (the rules allow it): it is shown in its new column already
		if (this.board.pending.get(cardId)?.to === to) {
			this.announcer.say(m.announce_dropped({ plate, column }));
		}
		const refocus = via !== 'pointer';
		if (refocus) await this.#focus(cardId);
		const outcome = await done;
		if (outcome.ok) {
			if (refocus) this.announcer.say(m.announce_saved({ plate, column }));
			return;
		}
		if (outcome.local) {
			const body = outcome.reason === 'busy' ? m.error_busy() : refusalLabel(outcome.reason);
			this.toasts.push('error', m.toast_move_refused({ plate, column }), body);
		} else {
			this.toasts.push('error', m.toast_move_failed({ plate, column }), errorLabel(outcome.error));
			if (refocus) await this.#focus(cardId);
		}
	}

	openMenu(cardId: number, anchor: HTMLElement) {
		this.carrying = null;
		this.menu = { cardId, anchor };
	}

	closeMenu() {
		this.menu = null;
	}

	pickUp(card: BoardCard) {
		this.carrying = { cardId: card.id, target: card.column };
		this.announcer.say(
			m.announce_picked({ plate: card.plate, column: columnLabel(card.column) })
		);
	}

	/** Chooses the next column left (-1) or right (+1) of the current target. */
	step(direction: -1 | 1) {
		const carrying = this.carrying;
		const card = this.moving;
		if (!carrying || !card) return;
		const index = COLUMNS.indexOf(carrying.target) + direction;
		if (index < 0 || index >= COLUMNS.length) return;
		const target = COLUMNS[index];
		this.carrying = { ...carrying, target };
		this.announcer.say(this.describeTarget(card, target));
	}

	describeTarget(card: BoardCard, target: Column): string {
		const column = columnLabel(target);
		if (target === card.column) return m.announce_target_same({ column });
		const check = this.check(card, target);
		return check.ok
			? m.announce_target_ok({ column })
			: m.announce_target_refused({ column, reason: refusalLabel(check.reason) });
	}

	drop() {
		const carrying = this.carrying;
		const card = this.moving;
		this.carrying = null;
		if (!carrying || !card) return;
		if (carrying.target === card.column) {
			this.announcer.say(
				m.announce_cancelled({ plate: card.plate, column: columnLabel(card.column) })
			);
			return;
		}
		void this.move(card.id, carrying.target, 'keyboard');
	}

	cancel() {
		const card = this.moving;
		this.carrying = null;
		if (card) {
			this.announcer.say(
				m.announce_cancelled({ plate: card.plate, column: columnLabel(card.column) })
			);
		}
	}

	#mark(mark: 'dragged' | 'carried' | 'menu', before: number | null, after: number | null) {
		if (before === after) return;
		if (before !== null) this.board.marks(before)[mark] = false;
		if (after !== null) this.board.marks(after)[mark] = true;
	}

	async #focus(cardId: number) {
		await tick();
		const active = document.activeElement;
		// leave focus alone when the user has moved on to something else meanwhile
		if (active && active !== document.body && !active.closest('[data-card], [role="menu"]')) return;
		document.querySelector<HTMLElement>(`[data-card="${cardId}"] [data-handle]`)?.focus();
	}
}

export const [getBoardUi, setBoardUi] = createContext<BoardUi>();
