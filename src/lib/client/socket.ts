import { io, type Socket } from 'socket.io-client';
import type {
	Ack,
	BoardEvent,
	ClientToServerEvents,
	ServerToClientEvents,
	SocketAuth,
	SyncRequest,
	SyncResult
} from '$lib/realtime/contract';
import { FIRST_SYNC } from '$lib/realtime/contract';
import { takeEarlyConnect } from './earlySocket';

export type BoardSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * A board's socket, and its first sync: the handshake carries the screen's first `board:sync`
 * (SocketAuth.sync) and the server answers with `board:synced` right after it accepted the socket,
 * so the board needs no round trip of its own after connecting.
 */
export interface OpenedBoardSocket {
	socket: BoardSocket;
	/**
	 * the answer to the sync the first handshake carried; undefined if the socket dropped first,
	 * or none came within ANSWER_MS of opening (the screen then sends `board:sync` itself)
	 */
	firstSync: Promise<Ack<SyncResult> | undefined>;
	/** board events heard before the caller attached its own handlers (a socket opened ahead) */
	heard: BoardEvent[];
}

/** how long a socket opened ahead waits for its board to take it before it is closed */
const UNCLAIMED_MS = 10_000;
const ANSWER_MS = 8_000;

const BOARD_EVENTS = ['card:moved', 'card:created', 'card:archived', 'card:updated'] as const;

interface Ahead {
	store: string;
	opened: OpenedBoardSocket;
	timer: ReturnType<typeof setTimeout>;
	stopHearing: () => void;
}

let ahead: Ahead | undefined;

const BOARD_PATH = /^\/s\/([^/]+)\/board\/?$/;

function open(store: string, first?: SyncRequest): OpenedBoardSocket {
	// every handshake carries the first sync until one is accepted; a reconnect later syncs
	// itself (the screen knows then where it stands)
	let connected = false;
	const socket: BoardSocket = io({
		transports: ['websocket'],
		auth: (send: (auth: SocketAuth) => void) => {
			// over the page's early WebSocket (earlySocket.ts) this handshake went out already: its
			// answer comes
			const ws = (socket.io.engine?.transport as { ws?: unknown } | undefined)?.ws;
			if (!connected && first && takeEarlyConnect(store, ws)) return;
			send(connected || !first ? { store } : { store, sync: first });
		}
	});
	socket.once('connect', () => (connected = true));
	const firstSync = new Promise<Ack<SyncResult> | undefined>((resolve) => {
		if (!first) return resolve(undefined);
		socket.once('board:synced', resolve);
		socket.once('disconnect', () => resolve(undefined));
		setTimeout(resolve, ANSWER_MS);
	});
	return { socket, firstSync, heard: [] };
}

/**
 * Opens the board's socket as the app starts (hooks.client.ts), when `pathname` is a board: its
 * handshake then runs while the page hydrates, instead of after it (hydrating a board keeps the
 * main thread busy for about 100 ms on a slow screen, and the socket's round trips wait for it).
 * The board page carries only its first screenful, so the handshake asks for the whole board.
 */
export function openAhead(pathname: string) {
	const match = BOARD_PATH.exec(pathname);
	if (!match || ahead) return;
	const store = decodeURIComponent(match[1]);
	const opened = open(store, FIRST_SYNC);
	// what the board would miss before it attaches its own handlers
	const hear = (event: BoardEvent) => opened.heard.push(event);
	for (const name of BOARD_EVENTS) opened.socket.on(name, hear);
	const stopHearing = () => {
		for (const name of BOARD_EVENTS) opened.socket.off(name, hear);
	};
	// the page may not be a board after all (an unknown store shows an error page)
	const timer = setTimeout(() => {
		if (ahead?.opened !== opened) return;
		ahead = undefined;
		stopHearing();
		opened.socket.disconnect();
	}, UNCLAIMED_MS);
	ahead = { store, opened, timer, stopHearing };
}

/**
 * The store's board socket for a board screen: the one opened ahead for it, else a new one whose
 * handshake carries `first`, the screen's first sync.
 */
export function openBoardLink(store: string, first: SyncRequest): OpenedBoardSocket {
	const found = ahead;
	ahead = undefined;
	if (found) {
		clearTimeout(found.timer);
		found.stopHearing();
		if (found.store === store) return found.opened;
		found.opened.socket.disconnect();
	}
	return open(store, first);
}

/** The store's socket, for a screen that only listens (no first sync): opened ahead or new. */
export function openBoardSocket(store: string): BoardSocket {
	const found = ahead;
	ahead = undefined;
	if (found) {
		clearTimeout(found.timer);
		found.stopHearing();
		if (found.store === store) return found.opened.socket;
		found.opened.socket.disconnect();
	}
	return open(store).socket;
}
