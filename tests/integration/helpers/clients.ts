import { isDeepStrictEqual } from 'node:util';
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import type { BoardCard, Column } from '../../../src/lib/domain/board';
import type {
	Ack,
	BoardEvent,
	ClientToServerEvents,
	MoveCommand,
	MoveResult,
	ServerToClientEvents,
	SyncResult
} from '../../../src/lib/realtime/contract';
import { snapshotCards } from '../../../src/lib/realtime/contract';

export type BoardSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
/** A store and the credential a screen opens it with: a session or display cookie. */
export interface StoreLogin {
	slug: string;
	cookie: string;
}
type ClientOptions = Partial<ManagerOptions & SocketOptions>;

/**
 * A real socket.io-client as a browser tab opens it: websocket only, store in the handshake, its
 * own connection (forceNew: two tabs never share one), and quick reconnection so that fault runs
 * stay short. It does not connect until `connect()`.
 */
export function openSocket(url: string, store: StoreLogin, options: ClientOptions = {}): BoardSocket {
	return io(url, {
		transports: ['websocket'],
		auth: { store: store.slug },
		// as a browser sends them on the handshake of a page from this server
		extraHeaders: { cookie: store.cookie, origin: url },
		forceNew: true,
		autoConnect: false,
		reconnectionDelay: 100,
		reconnectionDelayMax: 1_000,
		...options
	});
}

/**
 * socket.io-client reconnects by itself after a lost connection, but not after the server refused
 * the handshake: a refusal for `unavailable` (the database was unreachable while it checked the
 * store) is worth another try; other refusals are final.
 */
export function retryWhenUnavailable(socket: BoardSocket, delayMs = 500) {
	socket.on('connect_error', (error) => {
		if (!socket.active && error.message === 'unavailable') {
			setTimeout(() => socket.connect(), delayMs).unref();
		}
	});
}

/** Opens a socket and resolves once the server accepted it; rejects on the first refusal. */
export async function connectSocket(
	url: string,
	store: StoreLogin,
	options: ClientOptions = {}
): Promise<BoardSocket> {
	const socket = openSocket(url, store, options);
	await new Promise<void>((resolve, reject) => {
		socket.once('connect', () => {
			socket.off('connect_error');
			resolve();
		});
		socket.once('connect_error', (error) => {
			socket.close();
			reject(new Error(`cannot connect to ${url} as store ${store.slug}: ${error.message}`));
		});
		socket.connect();
	});
	return socket;
}

export function move(socket: BoardSocket, command: MoveCommand, timeoutMs = 5_000) {
	return socket.timeout(timeoutMs).emitWithAck('card:move', command) as Promise<Ack<MoveResult>>;
}

export function syncBoard(socket: BoardSocket, since: number, timeoutMs = 5_000) {
	return socket.timeout(timeoutMs).emitWithAck('board:sync', { since }) as Promise<Ack<SyncResult>>;
}

/** Sends anything at all as a command, the way a broken or hostile client could. */
export function sendRaw(socket: BoardSocket, event: string, payload: unknown, timeoutMs = 5_000) {
	return (socket as unknown as Socket).timeout(timeoutMs).emitWithAck(event, payload) as Promise<
		Ack<unknown>
	>;
}

/** Resolves with the first `event` on `socket` that `accept` takes. */
export function nextEvent<E extends keyof ServerToClientEvents>(
	socket: BoardSocket,
	event: E,
	accept: (...args: Parameters<ServerToClientEvents[E]>) => boolean = () => true,
	timeoutMs = 10_000
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			socket.off(event, listener as never);
			reject(new Error(`no ${event} within ${timeoutMs} ms`));
		}, timeoutMs);
		const listener = (...args: Parameters<ServerToClientEvents[E]>) => {
			if (!accept(...args)) return;
			clearTimeout(timer);
			socket.off(event, listener as never);
			resolve(args[0]);
		};
		socket.on(event, listener as never);
	});
}

/** Resolves with the reason when `socket` is disconnected. */
export function disconnected(socket: BoardSocket, timeoutMs = 10_000): Promise<string> {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`still connected after ${timeoutMs} ms`)), timeoutMs);
		socket.once('disconnect', (reason) => {
			clearTimeout(timer);
			resolve(reason);
		});
	});
}

/**
 * Polls `condition` until it holds, or fails with `what` after `timeoutMs`. For states that no
 * single event announces (a database row, a screen's converged state); never a fixed sleep.
 */
export async function until(
	condition: () => boolean | Promise<boolean>,
	what: string,
	timeoutMs = 10_000,
	intervalMs = 25
): Promise<number> {
	const start = performance.now();
	for (;;) {
		if (await condition()) return performance.now() - start;
		if (performance.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
		await new Promise((resolve) => setTimeout(resolve, intervalMs));
	}
}

export interface BoardState {
	head: number;
	cards: BoardCard[];
}

const byId = (cards: Iterable<BoardCard>) => [...cards].sort((a, b) => a.id - b.id);

/**
 * A screen as the board page runs it: it loads a snapshot (the page load), then applies
 * `card:moved` in sequence order. It ignores what it already has, holds back events that arrive
 * ahead of a gap and catches up with `board:sync` on a gap, on a heartbeat ahead of it, and on
 * every (re)connect. socket.io-client reconnects by itself; the screen never trusts what it
 * might have missed while it was away.
 */
export class Screen {
	readonly cards = new Map<number, BoardCard>();
	head = -1;
	/** sequence numbers that reached this screen as live `card:moved` broadcasts */
	readonly live = new Set<number>();
	readonly stats = { connects: 0, syncs: 0, snapshots: 0, failedSyncs: 0, heartbeats: 0 };
	readonly socket: BoardSocket;
	private readonly pending = new Map<number, BoardEvent>();
	private syncing = false;
	private again = false;

	constructor(
		readonly name: string,
		url: string,
		store: StoreLogin,
		private readonly loadPage: () => Promise<BoardState>,
		options: ClientOptions = {}
	) {
		this.socket = openSocket(url, store, options);
		retryWhenUnavailable(this.socket);
		this.socket.on('connect', () => {
			this.stats.connects++;
			void this.requestSync();
		});
		this.socket.on('card:moved', (event) => this.receive(event));
		this.socket.on('board:head', ({ seq }) => {
			this.stats.heartbeats++;
			if (seq > this.head) void this.requestSync();
		});
	}

	/** The page load, then the socket; resolves when connected. */
	async start(): Promise<this> {
		this.replace(await this.loadPage());
		await new Promise<void>((resolve, reject) => {
			this.socket.once('connect', () => resolve());
			this.socket.once('connect_error', (error) => reject(error));
			this.socket.connect();
		});
		return this;
	}

	stop() {
		this.socket.close();
	}

	/** a sync is on its way */
	get busy(): boolean {
		return this.syncing;
	}

	state(): BoardState {
		return { head: this.head, cards: byId(this.cards.values()) };
	}

	shows(truth: BoardState): boolean {
		return this.head === truth.head && isDeepStrictEqual(this.state().cards, byId(truth.cards));
	}

	private receive(event: BoardEvent) {
		this.live.add(event.seq);
		if (event.seq <= this.head) return;
		this.pending.set(event.seq, event);
		this.drain();
		if (this.pending.size > 0) void this.requestSync();
	}

	private apply(event: BoardEvent) {
		this.cards.set(event.card.id, event.card);
		this.head = event.seq;
	}

	private replace(state: BoardState) {
		this.cards.clear();
		for (const card of state.cards) this.cards.set(card.id, card);
		this.head = state.head;
	}

	private drain() {
		for (const seq of [...this.pending.keys()]) if (seq <= this.head) this.pending.delete(seq);
		for (let next = this.pending.get(this.head + 1); next; next = this.pending.get(this.head + 1)) {
			this.pending.delete(next.seq);
			this.apply(next);
		}
	}

	private async requestSync(): Promise<void> {
		if (this.syncing) {
			this.again = true;
			return;
		}
		this.syncing = true;
		try {
			do {
				this.again = false;
				if (!this.socket.connected) return; // the next connect syncs
				this.stats.syncs++;
				let result: Ack<SyncResult>;
				try {
					result = await syncBoard(this.socket, Math.max(this.head, 0));
				} catch {
					// disconnected or timed out: the reconnect or the next heartbeat tries again
					this.stats.failedSyncs++;
					return;
				}
				if (!result.ok) {
					this.stats.failedSyncs++;
					return;
				}
				const sync = result.data;
				if (sync.kind === 'snapshot') {
					this.stats.snapshots++;
					// a snapshot older than what live events already brought would step back
					if (sync.head >= this.head) this.replace({ head: sync.head, cards: snapshotCards(sync) });
				} else {
					for (const event of sync.events) if (event.seq > this.head) this.pending.set(event.seq, event);
				}
				this.drain();
				if (this.pending.size > 0) this.again = true;
			} while (this.again);
		} finally {
			this.syncing = false;
		}
	}
}

export type Outcome = 'ok' | 'failed' | 'unknown';

/** One command an advisor issued, and every answer (or silence) it got on the way. */
export interface LoggedCommand {
	advisor: string;
	command: MoveCommand;
	/** each attempt, in order: `ok`, an error code, or `unknown: <why>` */
	attempts: string[];
	outcome: Outcome;
	/** every event an ok answer carried (a correct server repeats the same one) */
	events: BoardEvent[];
	replayed: boolean;
}

/**
 * An advisor at the service desk: moves cards with idempotency keys, one at a time with a little
 * think time, and keeps what each answer said. An answer that never came (timeout, disconnect) or
 * said `unavailable` is unknown: the advisor retries the very same command with the same key once
 * connected again. Now and then the advisor's Wi-Fi drops right after a command went out.
 */
export class Advisor {
	readonly log: LoggedCommand[] = [];
	readonly socket: BoardSocket;
	private readonly views = new Map<number, BoardCard>();
	private n = 0;
	connects = 0;

	constructor(
		readonly name: string,
		url: string,
		store: StoreLogin,
		private readonly own: number[],
		private readonly shared: number[],
		private readonly random: () => number,
		private readonly options: { thinkMs: number; dropRate: number; ackTimeoutMs: number }
	) {
		this.socket = openSocket(url, store);
		retryWhenUnavailable(this.socket);
		this.socket.on('connect', () => this.connects++);
	}

	async start(board: BoardState) {
		for (const card of board.cards) this.views.set(card.id, card);
		await new Promise<void>((resolve, reject) => {
			this.socket.once('connect', () => resolve());
			this.socket.once('connect_error', reject);
			this.socket.connect();
		});
		return this;
	}

	stop() {
		this.socket.close();
	}

	/** Issues commands until `done()` says so; every command is settled before it returns. */
	async run(done: () => boolean, onOk: () => void) {
		while (!done()) {
			const pool = this.random() < 0.7 || this.shared.length === 0 ? this.own : this.shared;
			const cardId = pool[Math.floor(this.random() * pool.length)];
			const view = this.views.get(cardId)!;
			// back and forth at the front of the board: prep ⇄ ready ⇄ confirmed
			const to: Column =
				view.column !== 'ready' ? 'ready' : this.random() < 0.5 ? 'prep' : 'confirmed';
			const entry: LoggedCommand = {
				advisor: this.name,
				command: {
					cardId,
					to,
					expectedVersion: view.version,
					idempotencyKey: `${this.name}-move-${String(++this.n).padStart(5, '0')}`
				},
				attempts: [],
				outcome: 'unknown',
				events: [],
				replayed: false
			};
			this.log.push(entry);
			await this.settle(entry);
			if (entry.outcome === 'ok') onOk();
			await new Promise((resolve) => setTimeout(resolve, this.options.thinkMs));
		}
	}

	private async connected(deadlineMs = 30_000) {
		if (this.socket.connected) return;
		await until(() => this.socket.connected, `${this.name} reconnects`, deadlineMs, 10);
	}

	private async settle(entry: LoggedCommand) {
		for (let attempt = 0; attempt < 30; attempt++) {
			await this.connected();
			let ack: Ack<MoveResult>;
			try {
				const answer = move(this.socket, entry.command, this.options.ackTimeoutMs);
				if (attempt === 0 && this.random() < this.options.dropRate) {
					// the Wi-Fi drops with the command on its way: the answer is lost whatever happened
					this.socket.disconnect();
					this.socket.connect();
				}
				ack = await answer;
			} catch (error) {
				entry.attempts.push(`unknown: ${(error as Error).message}`);
				continue;
			}
			if (ack.ok) {
				entry.attempts.push('ok');
				entry.events.push(ack.data.event);
				entry.replayed ||= ack.data.replayed;
				entry.outcome = 'ok';
				this.views.set(ack.data.event.card.id, ack.data.event.card);
				return;
			}
			entry.attempts.push(ack.error.code);
			if (ack.error.code === 'unavailable' || ack.error.code === 'rateLimited') {
				await new Promise((resolve) => setTimeout(resolve, 50 * (attempt + 1)));
				continue;
			}
			entry.outcome = 'failed';
			if (ack.error.card) this.views.set(ack.error.card.id, ack.error.card);
			return;
		}
	}
}
