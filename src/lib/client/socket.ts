import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents, SocketAuth } from '$lib/realtime/contract';

export type BoardSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** how long a socket opened ahead waits for its board to take it before it is closed */
const UNCLAIMED_MS = 10_000;

let ahead: { store: string; socket: BoardSocket; timer: ReturnType<typeof setTimeout> } | undefined;

const BOARD_PATH = /^\/s\/([^/]+)\/board\/?$/;

function open(store: string): BoardSocket {
	const auth: SocketAuth = { store };
	return io({ transports: ['websocket'], auth });
}

/**
 * Opens the board's socket as the app starts (hooks.client.ts), when `pathname` is a board: its
 * handshake then runs while the page hydrates, instead of after it (hydrating a board keeps the
 * main thread busy for about 100 ms on a slow screen, and the socket's round trips wait for it).
 */
export function openAhead(pathname: string) {
	const match = BOARD_PATH.exec(pathname);
	if (!match || ahead) return;
	const store = decodeURIComponent(match[1]);
	const socket = open(store);
	// the page may not be a board after all (an unknown store shows an error page)
	const timer = setTimeout(() => {
		if (ahead?.socket !== socket) return;
		ahead = undefined;
		socket.disconnect();
	}, UNCLAIMED_MS);
	ahead = { store, socket, timer };
}

/** The store's socket: the one opened ahead for it, else a new one. */
export function openBoardSocket(store: string): BoardSocket {
	const found = ahead;
	ahead = undefined;
	if (found) {
		clearTimeout(found.timer);
		if (found.store === store) return found.socket;
		found.socket.disconnect();
	}
	return open(store);
}
