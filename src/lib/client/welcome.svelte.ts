import { io, type Socket } from 'socket.io-client';
import { SvelteSet } from 'svelte/reactivity';
import { rereadDue, type WelcomeBoard, type WelcomeRow } from '$lib/domain/welcome';
import type {
	ClientToServerEvents,
	ServerToClientEvents,
	SocketAuth
} from '$lib/realtime/contract';
import type { ConnectionStatus } from './live.svelte';

type WelcomeSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** how long a row whose status just changed stays highlighted */
const HIGHLIGHT_MS = 6_000;
/** how often the screen looks at the clock, for the store's midnight and the backstop read */
const TICK_MS = 15_000;

/**
 * The welcome board's live link: its socket (a welcome view, which gets a nudge per change and
 * the head heartbeat, never a card) and its rows, read again from the page's JSON endpoint on
 * each nudge or heartbeat ahead of them, on each (re)connect, at the store's midnight, and every
 * few minutes as a backstop (`rereadDue`).
 */
export class LiveWelcome {
	rows = $state.raw<WelcomeRow[]>([]);
	today = $state('');
	status = $state<ConnectionStatus>('connecting');
	offlineSince = $state<number | null>(null);
	/** rows whose status changed since the last read, highlighted for a moment */
	changed = new SvelteSet<number>();

	#head: number;
	/** when the server read the rows shown, by its own clock */
	#readAt: number;
	/** how far the server's clock is ahead of this screen's (a TV's clock may be far off) */
	#skew: number;
	#reading = false;
	#readAgain = false;
	#socket: WelcomeSocket | undefined;

	readonly #store: string;
	readonly #timeZone: string;
	readonly #signedOut: () => void;

	constructor(
		store: { slug: string; timeZone: string },
		board: WelcomeBoard,
		signedOut: () => void
	) {
		this.#store = store.slug;
		this.#timeZone = store.timeZone;
		this.#signedOut = signedOut;
		this.rows = board.rows;
		this.today = board.today;
		this.#head = board.head;
		this.#readAt = board.readAt;
		this.#skew = board.readAt - Date.now();
	}

	connect() {
		const auth: SocketAuth = { store: this.#store, view: 'welcome' };
		const socket: WelcomeSocket = io({ transports: ['websocket'], auth });
		this.#socket = socket;
		const signedOut = () => {
			this.#socket = undefined;
			socket.disconnect();
			this.#signedOut();
		};
		socket.on('connect', () => {
			this.status = 'online';
			this.offlineSince = null;
			// nudges sent while it was away are lost: read again rather than trust what it has
			void this.read();
		});
		socket.on('disconnect', () => this.#wentOffline());
		socket.on('session:revoked', signedOut);
		socket.on('connect_error', (error) => {
			this.#wentOffline();
			// no retry can help: the screen was revoked, or this credential no longer opens the store
			if (error.message === 'unauthenticated' || error.message === 'forbidden') return signedOut();
			// a refusal by the handshake itself ends socket.io's own reconnection: keep trying
			if (!socket.active) setTimeout(() => this.#socket === socket && socket.connect(), 3_000);
		});
		const ahead = ({ seq }: { seq: number }) => {
			if (seq > this.#head) void this.read();
		};
		socket.on('welcome:changed', ahead);
		socket.on('board:head', ahead);

		const tick = setInterval(() => {
			const board = { today: this.today, readAt: this.#readAt };
			if (rereadDue(Date.now() + this.#skew, board, this.#timeZone)) void this.read();
		}, TICK_MS);
		return () => {
			clearInterval(tick);
			this.#socket = undefined;
			socket.disconnect();
		};
	}

	/** Reads the rows again; one read at a time, and one more if asked meanwhile. */
	async read(): Promise<void> {
		if (this.#reading) {
			this.#readAgain = true;
			return;
		}
		this.#reading = true;
		try {
			do {
				this.#readAgain = false;
				const board = await this.#fetch();
				if (board === 'signedOut') return this.#signedOut();
				// failed: what is shown stays; the next heartbeat or tick tries again
				if (!board) return;
				this.#apply(board);
			} while (this.#readAgain);
		} finally {
			this.#reading = false;
		}
	}

	async #fetch(): Promise<WelcomeBoard | 'signedOut' | undefined> {
		try {
			const response = await fetch(`/s/${encodeURIComponent(this.#store)}/welcome/rows`, {
				headers: { accept: 'application/json' },
				cache: 'no-store'
			});
			if (response.status === 401 || response.status === 403) return 'signedOut';
			if (!response.ok) return undefined;
			return (await response.json()) as WelcomeBoard;
		} catch {
			return undefined;
		}
	}

	#apply(board: WelcomeBoard) {
		const before = new Map(this.rows.map((row) => [row.id, row.status]));
		for (const row of board.rows) {
			const was = before.get(row.id);
			if (was === undefined || was === row.status) continue;
			this.changed.add(row.id);
			setTimeout(() => this.changed.delete(row.id), HIGHLIGHT_MS);
		}
		this.rows = board.rows;
		this.today = board.today;
		this.#head = board.head;
		this.#readAt = board.readAt;
		this.#skew = board.readAt - Date.now();
	}

	#wentOffline() {
		if (this.status !== 'offline') {
			this.status = 'offline';
			this.offlineSince = Date.now();
		}
	}
}
