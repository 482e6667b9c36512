import type { Column } from '$lib/domain/board';
import { checkMove, type MoveRefusal } from '$lib/domain/transitions';
import type {
	Ack,
	BoardEvent,
	CommandError,
	MoveCommand,
	MoveResult,
	SyncRequest,
	SyncResult
} from '$lib/realtime/contract';
import { MAX_REPLAY_EVENTS, snapshotCards } from '$lib/realtime/contract';
import type { BoardState } from './board.svelte';
import { openBoardLink, type BoardSocket, type OpenedBoardSocket } from './socket';
import { newKey } from './keys';

export type ConnectionStatus = 'connecting' | 'online' | 'offline';

/** What became of a move, for the screen to tell the user. */
export type MoveOutcome =
	| { ok: true }
	| { ok: false; local: true; reason: MoveRefusal | 'busy' }
	| { ok: false; local: false; error: CommandError };

const ACK_TIMEOUT_MS = 8_000;
/** how long a move keeps retrying (same idempotency key) before the screen gives it up */
const MOVE_GIVE_UP_MS = 60_000;

/**
 * The live link of one screen to its store's board: applies committed events in sequence order,
 * catches up with `board:sync` after a gap, a heartbeat ahead of it or a reconnect, and sends this
 * screen's moves (optimistic, retried with the same idempotency key until acknowledged).
 */
export class LiveBoard {
	status = $state<ConnectionStatus>('connecting');
	offlineSince = $state<number | null>(null);
	/** the first `board:sync` after connecting has been answered: the screen shows the board as it is */
	synced = $state(false);

	#socket: BoardSocket | undefined;
	#syncing = false;
	#syncAgain = false;
	/** sequence numbers of this screen's own acknowledged moves: not flashed as remote */
	#own = new Set<number>();
	#waiters: (() => void)[] = [];
	/**
	 * Events heard while the board is partial (the first screenful only): applied on top of the
	 * whole board once its snapshot is here. Applied to the partial board they would move cards it
	 * does not have, and the counts would drift.
	 */
	#early: BoardEvent[] = [];

	readonly board: BoardState;
	readonly store: string;
	/** the server no longer accepts this screen's credential (signed out, revoked, expired) */
	readonly #signedOut: () => void;

	constructor(board: BoardState, store: string, signedOut: () => void = () => {}) {
		this.board = board;
		this.store = store;
		this.#signedOut = signedOut;
	}

	connect() {
		// the handshake carries this screen's first sync (the server answers as it connects)
		const { socket, firstSync, heard } = openBoardLink(this.store, this.#request());
		this.#socket = socket;
		let carried: OpenedBoardSocket['firstSync'] | undefined = firstSync;

		const online = () => {
			this.status = 'online';
			this.offlineSince = null;
			for (const wake of this.#waiters.splice(0)) wake();
			const first = carried;
			carried = undefined;
			void this.sync(first);
		};
		socket.on('connect', online);
		socket.on('disconnect', () => this.#wentOffline());
		socket.on('session:revoked', () => {
			this.#socket = undefined;
			this.#signedOut();
		});
		socket.on('connect_error', (error) => {
			this.#wentOffline();
			if (error.message === 'unauthenticated' || error.message === 'forbidden') {
				// no retry can help: the credential is gone or no longer opens this store
				this.#socket = undefined;
				return this.#signedOut();
			}
			// a refusal by the server's handshake (e.g. its database was briefly unreachable) ends
			// socket.io's own reconnection: a screen nobody touches must keep trying by itself
			if (!socket.active) setTimeout(() => this.#socket === socket && socket.connect(), 3_000);
		});
		// every fact of the board, applied in one sequence whatever its kind
		socket.on('card:moved', (event) => this.#receive([event]));
		socket.on('card:created', (event) => this.#receive([event]));
		socket.on('card:archived', (event) => this.#receive([event]));
		socket.on('card:updated', (event) => this.#receive([event]));
		socket.on('board:head', ({ seq }) => {
			// a partial board keeps asking for the rest until it has it (refused, timed out)
			if (seq > this.board.applied || this.board.partial) void this.sync();
		});
		// opened ahead (hooks.client.ts), it may have heard events before these handlers were
		// attached, and be connected already: the events first, then the first sync
		this.#receive(heard.splice(0));
		if (socket.connected) online();
		return () => {
			socket.disconnect();
			this.#socket = undefined;
		};
	}

	#wentOffline() {
		if (this.status !== 'offline') {
			this.status = 'offline';
			this.offlineSince = Date.now();
		}
	}

	/** Applies events in order; a gap means something was missed, so catch up from the server. */
	#receive(events: BoardEvent[]) {
		if (this.board.partial) {
			// beyond a replay's worth: the next event or heartbeat after the snapshot finds the gap
			if (this.#early.length < MAX_REPLAY_EVENTS) this.#early.push(...events);
			return;
		}
		for (const event of events) {
			const result = this.board.apply(event);
			if (result === 'gap') {
				void this.sync();
				return;
			}
			// someone else's move is highlighted; ours (acknowledged, or replayed by a sync while its
			// acknowledgement was lost) is not
			const ours = this.#own.delete(event.seq) || this.board.pending.has(event.card.id);
			if (result === 'applied' && !ours) this.board.flash(event.card.id);
		}
	}

	/** what this screen's `board:sync` asks for now */
	#request(): SyncRequest {
		// a partial board asks for the whole board, whatever it missed (undefined is not sent)
		return { since: this.board.applied, full: this.board.partial || undefined, sparse: true };
	}

	/**
	 * Catches up from `applied`: replays the missed events or takes the snapshot. One at a time.
	 * `carried`: the answer to the sync the handshake carried, taken instead of asking, if it comes.
	 */
	async sync(carried?: OpenedBoardSocket['firstSync']): Promise<void> {
		const socket = this.#socket;
		if (!socket?.connected) return;
		if (this.#syncing) {
			this.#syncAgain = true;
			return;
		}
		this.#syncing = true;
		try {
			do {
				this.#syncAgain = false;
				let result: Ack<SyncResult> | undefined = await carried;
				carried = undefined;
				if (!result) {
					if (!socket.connected) return; // the next connect syncs again
					try {
						result = await socket
							.timeout(ACK_TIMEOUT_MS)
							.emitWithAck('board:sync', this.#request());
					} catch {
						return; // disconnected or timed out: the next connect or heartbeat syncs again
					}
				}
				if (!result) return;
				if (!result.ok) return;
				const data = result.data;
				if (data.kind === 'snapshot') {
					this.board.replace(snapshotCards(data), data.head);
					// what was heard meanwhile: older than the snapshot is stale, newer applies on top
					if (!this.board.partial) this.#receive(this.#early.splice(0));
				} else this.#receive(data.events);
				// ready means the whole board: a partial one (an older snapshot was ignored) asks again
				// with the next heartbeat
				if (this.board.partial) return;
				if (!this.synced) performance.mark('wb:synced');
				this.synced = true;
				if (data.head > this.board.applied) this.#syncAgain = true;
			} while (this.#syncAgain && socket.connected);
		} finally {
			this.#syncing = false;
		}
	}

	/**
	 * Moves a card: refused on the spot when the rules say no (the same rules the server runs),
	 * else shown at once and sent; a refusal from the server rolls it back.
	 */
	async move(cardId: number, to: Column): Promise<MoveOutcome> {
		const card = this.board.card(cardId);
		if (!card) return { ok: false, local: false, error: { code: 'cardNotFound', message: '' } };
		if (this.board.pending.has(cardId)) return { ok: false, local: true, reason: 'busy' };
		const check = checkMove(card, to);
		if (!check.ok) return { ok: false, local: true, reason: check.reason };

		const command: MoveCommand = {
			cardId,
			to,
			expectedVersion: card.version,
			idempotencyKey: newKey()
		};
		this.board.begin(card, {
			to,
			idempotencyKey: command.idempotencyKey,
			expectedVersion: command.expectedVersion
		});
		const result = await this.#send(command);
		if (result.ok) {
			const { event } = result.data;
			this.#own.add(event.seq);
			this.#receive([event]);
			if (this.board.applied < event.seq) this.board.adopt(event.card);
			this.board.settle(cardId, command.idempotencyKey);
			return { ok: true };
		}
		if (result.error.card) this.board.adopt(result.error.card);
		this.board.settle(cardId, command.idempotencyKey);
		// a conflict means the screen is behind: catch up rather than wait for the heartbeat
		if (result.error.code === 'versionConflict') void this.sync();
		return { ok: false, local: false, error: result.error };
	}

	/** Sends until acknowledged; every retry carries the same idempotency key (applied once). */
	async #send(command: MoveCommand): Promise<Ack<MoveResult>> {
		const giveUpAt = Date.now() + MOVE_GIVE_UP_MS;
		const unavailable: Ack<MoveResult> = {
			ok: false,
			error: { code: 'unavailable', message: 'no acknowledgement from the server' }
		};
		while (Date.now() < giveUpAt) {
			const socket = this.#socket;
			if (!socket) return unavailable;
			if (!socket.connected && !(await this.#online(giveUpAt - Date.now()))) return unavailable;
			try {
				const result = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('card:move', command);
				// the server could not save it this time: a retry may well succeed
				if (!result.ok && result.error.code === 'unavailable' && Date.now() < giveUpAt) {
					await delay(1_000);
					continue;
				}
				return result;
			} catch {
				// timed out or the connection dropped: the command may or may not have committed;
				// the same key makes the retry safe either way
			}
		}
		return unavailable;
	}

	#online(within: number): Promise<boolean> {
		return new Promise((resolve) => {
			const timer = setTimeout(() => resolve(false), within);
			this.#waiters.push(() => {
				clearTimeout(timer);
				resolve(true);
			});
		});
	}
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

