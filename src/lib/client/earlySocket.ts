/**
 * A board page's socket, opened before the page's modules load.
 *
 * A cold load of the board spends its first ~300 ms parsing, laying out and painting the
 * server-rendered screen and loading and running the modules; only then does the app open its
 * socket, and the socket's three answers (engine.io open, socket.io CONNECT, the first sync) then
 * wait behind hydration. So a small inline script in `src/app.html` (kept in step with this file)
 * opens the WebSocket as the page's head is parsed, and keeps every frame it receives. Its URL
 * names the board (`EARLY_BOARD_PARAM`): the server makes the socket.io CONNECT with the board's
 * handshake (`SocketAuth`: the store, and the first sync `FIRST_SYNC`, the whole board, sparse)
 * as the socket opens, so the handshake does not wait for the page's main thread either (engine.io's
 * open packet, on which the page would send it, is only read once the first screen is laid out).
 * The browser build's engine.io WebSocket transport (`vite.config.ts`, websocketOnlyEngine) is
 * `adoptingTransport(WS)`: the app's first board socket takes that WebSocket over instead of
 * opening one, and replays the kept frames in order, so Socket.IO sees exactly the conversation it would have had, only earlier. Its own
 * CONNECT is then not sent again (`takeEarlyConnect`). Nothing else changes: a socket that could
 * not be taken over (closed, another store, `vite dev`) is closed and a new one opened as before.
 */

/** What the inline script leaves on `window.__wbEarlySocket`. */
export interface EarlySocket {
	ws: WebSocket;
	/** the frames received so far, in order */
	queue: unknown[];
	/** the store whose board the handshake named */
	store: string;
	/** the socket.io CONNECT (with the board's handshake) is taken care of: the server makes it */
	connectSent: boolean;
	/** a transport asked for it (it is then never handed out, nor closed by the script, again) */
	claimed?: boolean;
	/** a transport took it over (it was still open or opening) */
	adopted?: boolean;
	/** the socket that took it over has skipped its own CONNECT */
	connectTaken?: boolean;
}

const early = (): EarlySocket | undefined =>
	typeof window === 'undefined'
		? undefined
		: (window as unknown as { __wbEarlySocket?: EarlySocket }).__wbEarlySocket;

/**
 * The early socket, once, for the first transport about to open `uri` (on a board page, the
 * board's own socket, opened ahead for the page's store by hooks.client.ts): still connecting or
 * open, to the same Socket.IO endpoint. Otherwise it is closed.
 */
function claim(uri: string): EarlySocket | undefined {
	const found = early();
	if (!found || found.claimed) return undefined;
	found.claimed = true;
	const sameEndpoint = (() => {
		try {
			const a = new URL(uri);
			const b = new URL(found.ws.url);
			return a.host === b.host && a.pathname === b.pathname;
		} catch {
			return false;
		}
	})();
	if (sameEndpoint && found.ws.readyState <= WebSocket.OPEN) {
		found.adopted = true;
		return found;
	}
	found.ws.close();
	return undefined;
}

/**
 * For the socket whose handshake is about to be sent (socket.io-client's `auth` callback), over
 * the WebSocket `current`: true, once, when that is the early WebSocket, still open, and its
 * CONNECT for `store` already went out; the socket then must not send its own (the server answers
 * the early one). Any other connection (a new WebSocket, a reconnect) sends its own.
 */
export function takeEarlyConnect(store: string, current: unknown): boolean {
	const found = early();
	if (!found?.adopted || found.connectTaken || !found.connectSent || found.store !== store) return false;
	if (current !== found.ws || found.ws.readyState !== WebSocket.OPEN) return false;
	found.connectTaken = true;
	return true;
}

/** The part of engine.io-client's WebSocket transport that taking over touches. */
interface WsTransport {
	ws: WebSocket;
	createSocket(uri: string, protocols: unknown, opts: unknown): WebSocket;
	addEventListeners(): void;
	onOpen(): void;
	onData(data: unknown): void;
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type WsTransportClass = new (...args: any[]) => WsTransport;

/** engine.io-client's WebSocket transport, taking over the early socket when there is one. */
export function adoptingTransport<T extends WsTransportClass>(Base: T) {
	return class Adopting extends Base {
		#early: EarlySocket | undefined;

		createSocket(uri: string, protocols: unknown, opts: unknown): WebSocket {
			this.#early = claim(uri);
			return this.#early?.ws ?? super.createSocket(uri, protocols, opts);
		}

		addEventListeners() {
			super.addEventListeners();
			const found = this.#early;
			if (!found) return;
			const ws = this.ws;
			const deliver = ws.onmessage;
			const wasOpen = ws.readyState === WebSocket.OPEN;
			// keep the order: what arrives before the replay joins the queue
			ws.onmessage = (event) => found.queue.push(event.data);
			// replayed after the caller has set up its sockets and handlers (io() opens the
			// transport inside its own constructor)
			setTimeout(() => {
				if (this.ws !== ws) return;
				ws.onmessage = deliver;
				if (wasOpen) this.onOpen();
				for (const data of found.queue.splice(0)) this.onData(data);
			});
		}
	};
}
