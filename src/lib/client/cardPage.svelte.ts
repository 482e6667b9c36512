import { createContext } from 'svelte';
import { m } from '$lib/paraglide/messages';
import type { CardDetail, CardEdit } from '$lib/domain/card';
import { checkEdit } from '$lib/domain/cardInput';
import type { Column } from '$lib/domain/board';
import type { Role } from '$lib/domain/permissions';
import { checkMove } from '$lib/domain/transitions';
import type {
	BoardEvent,
	CardArchivedEvent,
	CommandError,
	EditCommand,
	EditResult,
	MoveResult
} from '$lib/realtime/contract';
import { columnLabel, errorLabel, refusalLabel } from './labels';
import type { ConnectionStatus } from './live.svelte';
import { openBoardSocket } from './socket';
import { Toasts } from './toasts.svelte';
import { MinuteClock } from './clock.svelte';
import type { StoreTime } from './format';
import { leave, type Viewer } from './viewer';
import { editErrorLabel, fieldErrorLabel, editDoneLabel } from './cardLabels';
import { postCommand } from './cardEdits';
import { newKey } from './keys';

/** tries of one edit over a failing network or a busy server, all with the same idempotency key */

/** Who changed the card on another screen, last: the page says so beside the connection state. */
export interface RemoteChange {
	actor: string;
	at: string;
}

/**
 * The card page's state: the card's detail as the server last said it, this screen's edits
 * (checked with the same schema as the server's before they are sent, then posted with the
 * card's version and a fresh idempotency key), and the live link that re-reads the detail when
 * another screen changes the card, or after a reconnect (what was missed is not trusted).
 */
export class CardPage {
	detail = $state.raw() as CardDetail;
	status = $state<ConnectionStatus>('connecting');
	offlineSince = $state<number | null>(null);
	/** the card left the board: handed over (archived) or its appointment cancelled */
	archived = $state<CardArchivedEvent['reason'] | null>(null);
	/** when it left the board, as the event said */
	archivedAt = $state<string | null>(null);
	remote = $state<RemoteChange | null>(null);
	/** the controls whose edit is on its way, by scope */
	sending = $state<Record<string, true>>({});
	/** field errors shown under the field: `scope.field` → words */
	errors = $state<Record<string, string>>({});
	/**
	 * bumped when an edit was not saved: toggles keyed on it are drawn again from the card (a
	 * checkbox the user flipped must flip back)
	 */
	failures = $state(0);

	readonly toasts = new Toasts();
	readonly clock = new MinuteClock();
	readonly store: string;
	readonly cardId: number;
	readonly viewer: Viewer;
	readonly time: StoreTime;

	#refreshing: Promise<void> | null = null;
	#refreshAgain = false;

	constructor(init: { store: string; viewer: Viewer; detail: CardDetail; time: StoreTime }) {
		this.store = init.store;
		this.viewer = init.viewer;
		this.detail = init.detail;
		this.cardId = init.detail.card.id;
		this.time = init.time;
		if (init.detail.handover.handedOverAt) this.archived = 'handedOver';
	}

	get roles(): readonly Role[] {
		return this.viewer.roles;
	}

	get card() {
		return this.detail.card;
	}

	get #base() {
		return `/api/stores/${encodeURIComponent(this.store)}/cards/${this.cardId}`;
	}

	busy(scope: string) {
		return scope in this.sending;
	}

	/** the words under one field of one control, or null */
	error(scope: string, field: string): string | null {
		return this.errors[`${scope}.${field}`] ?? null;
	}

	clearErrors(scope: string) {
		const prefix = `${scope}.`;
		if (!Object.keys(this.errors).some((key) => key.startsWith(prefix))) return;
		this.errors = Object.fromEntries(
			Object.entries(this.errors).filter(([key]) => !key.startsWith(prefix))
		);
	}

	#fieldError(scope: string, field: string) {
		this.errors = { ...this.errors, [`${scope}.${field}`]: fieldErrorLabel(field) };
	}

	/**
	 * Sends one edit of the card from the control `scope`. A field the schema refuses is shown
	 * under that field and nothing is sent; true once the server committed it and the page shows
	 * the card as it is after it.
	 */
	async edit(scope: string, edit: CardEdit): Promise<boolean> {
		const saved = await this.#edit(scope, edit);
		if (!saved) this.failures++;
		return saved;
	}

	async #edit(scope: string, edit: CardEdit): Promise<boolean> {
		if (this.busy(scope) || this.archived) return false;
		this.clearErrors(scope);
		const problem = checkEdit(edit);
		if (problem) {
			this.#fieldError(scope, problem.field);
			return false;
		}
		this.sending = { ...this.sending, [scope]: true };
		try {
			const command: EditCommand = {
				expectedVersion: this.card.version,
				idempotencyKey: newKey(),
				edit
			};
			const answer = await postCommand<EditResult>(`${this.#base}/edits`, command);
			if (answer.ok) {
				const { event } = answer.result;
				if (event.card.version > this.card.version) {
					this.detail = { ...this.detail, card: event.card };
				}
				if (event.type === 'card:archived') {
					this.archived = event.reason;
					this.archivedAt = event.at;
				}
				this.toasts.push('info', editDoneLabel(edit.kind));
				await this.refresh();
				return true;
			}
			const error = answer.error;
			if (error.code === 'unauthenticated') {
				leave(this.viewer.kind);
				return false;
			}
			if (error.code === 'invalidInput' && error.field) {
				this.#fieldError(scope, error.field);
				return false;
			}
			if (error.code === 'versionConflict') {
				// someone else changed the card meanwhile: show it as it is now; what this user typed
				// stays in the form (drafts follow the card only while untouched)
				if (error.card && error.card.version > this.card.version) {
					this.detail = { ...this.detail, card: error.card };
				}
				await this.refresh();
			}
			if (error.code === 'cardNotFound') this.archived ??= 'cancelled';
			this.toasts.push('error', editErrorLabel(error), m.card_edit_not_saved());
			return false;
		} finally {
			const { [scope]: _, ...rest } = this.sending;
			this.sending = rest;
		}
	}

	/**
	 * Moves the card to `to` (the board's own move, from this page): the column rules are checked
	 * here first (the same rules the server runs), a refusal is told in their words.
	 */
	async move(to: Column): Promise<boolean> {
		const scope = 'move';
		if (this.busy(scope) || this.archived) return false;
		const check = checkMove(this.card, to);
		if (!check.ok) {
			this.toasts.push('error', refusalLabel(check.reason));
			return false;
		}
		this.sending = { ...this.sending, [scope]: true };
		try {
			const command = { to, expectedVersion: this.card.version, idempotencyKey: newKey() };
			const answer = await postCommand<MoveResult>(`${this.#base}/move`, command);
			if (answer.ok) {
				const { event } = answer.result;
				if (event.card.version > this.card.version) {
					this.detail = { ...this.detail, card: event.card };
				}
				this.toasts.push('info', m.card_moved({ column: columnLabel(to) }));
				await this.refresh();
				return true;
			}
			const error = answer.error;
			if (error.code === 'unauthenticated') {
				leave(this.viewer.kind);
				return false;
			}
			if (error.code === 'versionConflict') await this.refresh();
			this.toasts.push('error', errorLabel(error));
			return false;
		} finally {
			const { [scope]: _, ...rest } = this.sending;
			this.sending = rest;
		}
	}

	/** Re-reads the card's detail; calls while one is on its way are folded into one more. */
	refresh(): Promise<void> {
		if (this.#refreshing) {
			this.#refreshAgain = true;
			return this.#refreshing;
		}
		this.#refreshing = (async () => {
			try {
				do {
					this.#refreshAgain = false;
					let response: Response;
					try {
						response = await fetch(this.#base, { headers: { accept: 'application/json' } });
					} catch {
						return; // offline: the reconnect re-reads
					}
					if (response.status === 401) return leave(this.viewer.kind);
					if (response.status === 404) {
						this.archived ??= 'cancelled';
						return;
					}
					if (!response.ok) return;
					const next = (await response.json()) as CardDetail;
					// an answer older than what the page shows (a later edit's event won the race) is dropped
					if (next.card.version >= this.card.version) this.detail = next;
					if (next.handover.handedOverAt) this.archived ??= 'handedOver';
				} while (this.#refreshAgain);
			} finally {
				this.#refreshing = null;
			}
		})();
		return this.#refreshing;
	}

	/** Opens the store's socket: another screen's change of this card re-reads it. */
	connect(): () => void {
		const socket = openBoardSocket(this.store);
		let closed = false;
		const online = () => {
			this.status = 'online';
			this.offlineSince = null;
			// what happened while offline is not replayed here: the detail is read again
			void this.refresh();
		};
		const offline = () => {
			if (this.status === 'offline') return;
			this.status = 'offline';
			this.offlineSince = Date.now();
		};
		socket.on('connect', online);
		if (socket.connected) online();
		socket.on('disconnect', offline);
		socket.on('session:revoked', () => leave(this.viewer.kind));
		socket.on('connect_error', (error) => {
			offline();
			if (error.message === 'unauthenticated' || error.message === 'forbidden') {
				return leave(this.viewer.kind);
			}
			if (!socket.active) setTimeout(() => !closed && socket.connect(), 3_000);
		});
		const heard = (event: BoardEvent) => {
			if (event.card.id !== this.cardId) return;
			if (event.type === 'card:archived') {
				this.archived = event.reason;
				this.archivedAt = event.at;
			}
			// this screen's own edit, already shown
			if (event.card.version <= this.card.version && event.type !== 'card:archived') return;
			// while an edit of this screen is on its way, the event is most likely that edit's
			if (Object.keys(this.sending).length === 0) this.remote = { actor: event.actor, at: event.at };
			this.detail = { ...this.detail, card: event.card };
			void this.refresh();
		};
		socket.on('card:updated', heard);
		socket.on('card:moved', heard);
		socket.on('card:archived', heard);
		const stopClock = this.clock.start();
		return () => {
			closed = true;
			stopClock();
			socket.disconnect();
		};
	}
}

export const [getCardPage, setCardPage] = createContext<CardPage>();


