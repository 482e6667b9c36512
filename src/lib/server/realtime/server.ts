import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import {
	EARLY_BOARD_PARAM,
	FIRST_SYNC,
	HEARTBEAT_MS,
	MAX_REPLAY_EVENTS,
	type Ack,
	type BoardEvent,
	type MoveResult,
	type ClientToServerEvents,
	type CommandError,
	type HandshakeError,
	type ServerToClientEvents,
	type SocketAuth,
	type SyncResult
} from '$lib/realtime/contract';
import type { Sql } from '../db/connect';
import * as board from '../db/board';
import * as stores from '../db/stores';
import { moveCard } from '../board/move';
import { Snapshots } from '../board/snapshots';
import { CardCache } from '../board/cardCache';
import { parse, parseMove, syncRequest } from '../board/commands';
import { can, canMoveAny, type Role } from '$lib/domain/permissions';
import { actorLabel, actorUserId, authenticate, COOKIES, rolesIn, type Principal } from '../auth/principal';
import { originAllowed, parseCookies } from '../auth/origin';
import { anonymousRefusals, recordLater } from '../auth/audit';
import * as sessions from '../auth/sessions';
import * as displays from '../auth/displays';
import * as apiTokens from '../auth/apiTokens';

interface SocketData {
	storeId: number;
	/** which screen the socket serves: the board (full cards) or a welcome board (nudges only) */
	view: 'board' | 'welcome';
	/** what the socket was opened with, to disconnect it when that is revoked (not the whole
	 * principal: a person with roles in many stores would cost every one of their screens) */
	credential: Credential;
	userId: number | null;
	/** the roles the principal holds in this store, fixed at the handshake */
	roles: Role[];
	label: string;
	address: string;
	/** token bucket of commands, refilled over time (a flooding socket is slowed, not served) */
	tokens: number;
	refilledAt: number;
}

export type BoardServer = Server<ClientToServerEvents, ServerToClientEvents, object, SocketData>;

export interface RealtimeDeps {
	sql: Sql;
	/** the boards last read (shared with the pages); its own when not given */
	snapshots?: Snapshots;
	/** the cards this instance saw last (shared with the JSON API's moves); its own when not given */
	cards?: CardCache;
	redisUrl?: string;
	instanceName: string;
	/** the head heartbeat's interval; tests shorten it */
	heartbeatMs?: number;
	/** commands one socket may send per second, and in a burst; race tests raise it */
	rateLimit?: { perSecond: number; burst: number };
	/** origins a browser may open a socket from (ALLOWED_ORIGINS); empty: the request's own host */
	allowedOrigins?: readonly string[];
	/** how often each instance re-checks its sockets' credentials (a backstop for revocation) */
	revalidateMs?: number;
}

const REVALIDATE_MS = 5_000;
const HEADS_TIMEOUT_MS = 4_000;
/** a welcome board hears of changes at most this late, and at most once in this time */
const WELCOME_NUDGE_MS = 1_000;

/** The room of every socket that holds one credential: revoking it disconnects them all. */
type Credential = { kind: 'session' | 'display' | 'token'; id: number };

const credentialOf = (principal: Principal): Credential =>
	principal.kind === 'user'
		? { kind: 'session', id: principal.sessionId }
		: principal.kind === 'display'
			? { kind: 'display', id: principal.displayId }
			: { kind: 'token', id: principal.tokenId };

export const credentialRoom = ({ kind, id }: Credential) => `${kind}:${id}`;

/** Far more than a person dragging cards; a script flooding one socket is slowed down. */
const RATE_LIMIT = { perSecond: 20, burst: 40 };

/** The store an early board socket's URL names (EARLY_BOARD_PARAM), if it names one. */
export function earlyBoard(url: string | undefined): string | undefined {
	if (!url) return undefined;
	const query = url.indexOf('?');
	if (query < 0) return undefined;
	return new URLSearchParams(url.slice(query + 1)).get(EARLY_BOARD_PARAM) ?? undefined;
}

export const roomOf = (storeId: number) => `store:${storeId}`;
/** the welcome boards of a store: told that something changed, never sent a card */
export const welcomeRoomOf = (storeId: number) => `welcome:${storeId}`;

/**
 * Builds the Socket.IO server on an HTTP server. Each handler validates, does its work in one
 * transaction, acks after COMMIT, then broadcasts the committed event to the store's room.
 */
export async function createRealtime(httpServer: HttpServer, deps: RealtimeDeps) {
	const { sql } = deps;
	const cards = deps.cards ?? new CardCache();
	const snapshots = deps.snapshots ?? new Snapshots(sql, cards);
	const rateLimit = deps.rateLimit ?? RATE_LIMIT;
	const io: BoardServer = new Server(httpServer, {
		// websocket only: several instances need no sticky sessions
		transports: ['websocket'],
		maxHttpBufferSize: 16 * 1024,
		serveClient: false
	});

	// A board page's early socket names its board in the URL (EARLY_BOARD_PARAM): its CONNECT,
	// with the board's first sync, is made here as the socket opens (socket.io's own handler of this
	// event, registered when the server was built, has already set the connection up); the
	// handshake below checks it like any other.
	io.engine.on('connection', (conn: { request: { url?: string }; emit(event: 'data', data: string): void }) => {
		const store = earlyBoard(conn.request.url);
		if (store !== undefined) {
			conn.emit('data', '0' + JSON.stringify({ store, sync: FIRST_SYNC } satisfies SocketAuth));
		}
	});

	let redis: { pub: Redis; sub: Redis } | undefined;
	if (deps.redisUrl) {
		const options = { maxRetriesPerRequest: null, enableOfflineQueue: true, lazyConnect: false };
		const pub = new Redis(deps.redisUrl, options);
		const sub = pub.duplicate();
		for (const client of [pub, sub]) {
			// ioredis reconnects by itself; while Redis is down a broadcast reaches this instance only,
			// and other screens catch up from the heartbeat (G6)
			client.on('error', (error) => console.warn(`[redis] ${error.message}`));
		}
		io.adapter(createAdapter(pub, sub));
		redis = { pub, sub };
	}
	watchEvents(io, (event) => cards.seeEvent(event));

	// each fact under its own name (card:moved, card:created, ...), as the contract declares it
	// Welcome boards re-read their page on a nudge: one nudge per store a second is plenty, and
	// each one is a Redis publish that every instance handles, move or no welcome board at all.
	const nudges = new Map<number, { seq: number; timer: ReturnType<typeof setTimeout> }>();
	const nudgeWelcome = (storeId: number, seq: number) => {
		const pending = nudges.get(storeId);
		if (pending) {
			pending.seq = Math.max(pending.seq, seq);
			return;
		}
		const timer = setTimeout(() => {
			const { seq: last } = nudges.get(storeId)!;
			nudges.delete(storeId);
			io.to(welcomeRoomOf(storeId)).emit('welcome:changed', { seq: last });
		}, WELCOME_NUDGE_MS);
		timer.unref();
		nudges.set(storeId, { seq, timer });
	};
	const broadcast = (storeId: number, event: BoardEvent) => {
		io.to(roomOf(storeId)).emit(event.type, event as never);
		nudgeWelcome(storeId, event.seq);
	};

	// The handshake decides who the socket is and which store room it joins (G7, G8).
	io.use(async (socket, next) => {
		const { headers, address } = socket.handshake;
		const auth = (socket.handshake.auth ?? {}) as { store?: unknown; token?: unknown; view?: unknown };
		const refuse = (reason: HandshakeError, principal: Principal | null, storeId: number | null) => {
			const admitted = principal ? { write: true, suppressed: 0 } : anonymousRefusals.admit(address);
			if (!admitted.write) return next(new Error(reason));
			recordLater(sql, {
				storeId,
				userId: actorUserId(principal),
				label: actorLabel(principal),
				action: 'socket:connect',
				outcome: 'refused',
				source: `socket ${address} ${deps.instanceName}`,
				detail: {
					reason,
					origin: headers.origin ?? null,
					...(admitted.suppressed ? { suppressed: admitted.suppressed } : {})
				}
			});
			next(new Error(reason));
		};
		if (!originAllowed(headers.origin, headers.host, deps.allowedOrigins)) {
			return refuse('originNotAllowed', null, null);
		}
		const slug = auth.store;
		if (slug !== undefined && (typeof slug !== 'string' || slug.length > 40)) {
			return refuse('storeNotFound', null, null);
		}
		try {
			const cookies = parseCookies(headers.cookie);
			const principal = await authenticate(sql, {
				bearer: auth.token === undefined ? undefined : typeof auth.token === 'string' ? auth.token : null,
				session: cookies[COOKIES.session],
				display: cookies[COOKIES.display]
			});
			if (!principal) return refuse('unauthenticated', null, null);
			// a display or a token belongs to one store; a person names the store they open
			const store =
				typeof slug === 'string'
					? await stores.readBySlug(sql, slug)
					: principal.kind !== 'user'
						? await stores.read(sql, principal.storeId)
						: undefined;
			if (!store) return refuse('storeNotFound', principal, null);
			const roles = rolesIn(principal, store);
			// the board (full cards), or the welcome board (a nudge when something changed): a screen
			// that may only see the welcome board gets that, whatever it asked for
			const view = auth.view === 'welcome' || !can(roles, 'board:view') ? 'welcome' : 'board';
			if (!can(roles, view === 'board' ? 'board:view' : 'welcome:view')) {
				return refuse('forbidden', principal, store.id);
			}
			socket.data = {
				storeId: store.id,
				view,
				credential: credentialOf(principal),
				userId: actorUserId(principal),
				roles,
				label: actorLabel(principal),
				address,
				tokens: rateLimit.burst,
				refilledAt: Date.now()
			};
			next();
		} catch (error) {
			console.error('[handshake]', (error as Error).message);
			next(new Error('unavailable'));
		}
	});

	io.on('connection', (socket) => {
		// roles are read at each command: the revalidation may have changed them since
		const { storeId, credential, userId } = socket.data;
		const boardRoom = socket.data.view === 'board' ? roomOf(storeId) : welcomeRoomOf(storeId);
		socket.join([boardRoom, credentialRoom(credential)]);
		const source = `socket ${socket.data.address} ${deps.instanceName}`;
		const refused = (action: string, error: CommandError, detail: Record<string, unknown> = {}) =>
			recordLater(sql, {
				storeId,
				userId,
				label: socket.data.label,
				action,
				outcome: 'refused',
				source,
				detail: { code: error.code, message: error.message, ...detail }
			});
		let limitedSince = 0;

		const allow = (): boolean => {
			const now = Date.now();
			const d = socket.data;
			d.tokens = Math.min(rateLimit.burst, d.tokens + ((now - d.refilledAt) / 1000) * rateLimit.perSecond);
			d.refilledAt = now;
			if (d.tokens < 1) return false;
			d.tokens -= 1;
			return true;
		};
		const rateLimited = { code: 'rateLimited', message: 'too many commands' } as const;
		// a flood is audited once a minute per socket, not once per message (that would let a flood
		// write as fast as it sends)
		const limited = (action: string) => {
			const now = Date.now();
			if (now - limitedSince > 60_000) {
				limitedSince = now;
				refused(action, rateLimited, { perSecond: rateLimit.perSecond, burst: rateLimit.burst });
			}
			return { ok: false, error: rateLimited } as const;
		};

		socket.on('card:move', async (...args: unknown[]) => {
			// the ack is the last argument, whatever else a client sent before it
			const ack = args.at(-1) as ((result: Ack<MoveResult>) => void) | undefined;
			if (typeof ack !== 'function') return;
			const input = args.length === 2 ? args[0] : undefined;
			if (!allow()) return ack(limited('card:move'));
			const command = parseMove(input);
			if (!command.ok) {
				refused('card:move', command.error);
				return ack(command);
			}
			const roles = socket.data.roles;
			if (!canMoveAny(roles)) {
				const error = { code: 'forbidden', message: `${socket.data.label} may not move cards` } as const;
				refused('card:move', error, { cardId: command.data.cardId, to: command.data.to });
				return ack({ ok: false, error });
			}
			let result: Ack<MoveResult>;
			try {
				result = await moveCard(
					sql,
					storeId,
					command.data,
					{ userId, label: socket.data.label, source, mayMove: (move) => can(roles, 'card:move', move) },
					cards
				);
			} catch (error) {
				console.error('[card:move]', error);
				// the COMMIT may or may not have happened: only a retry with the same key can tell
				return ack({
					ok: false,
					error: {
						code: 'unavailable',
						message: 'the database did not confirm the move; retry with the same idempotencyKey'
					}
				});
			}
			ack(result);
			if (result.ok) broadcast(storeId, result.data.event);
			else refused('card:move', result.error, { cardId: command.data.cardId, to: command.data.to });
		});

		/** what `board:sync` answers to `input` */
		const answerSync = async (input: unknown): Promise<Ack<SyncResult>> => {
			if (!allow()) return limited('board:sync');
			if (socket.data.view !== 'board') {
				const error = { code: 'forbidden', message: 'a welcome board reads its own page, not the board' } as const;
				refused('board:sync', error);
				return { ok: false, error };
			}
			const request = parse(syncRequest, input);
			if (!request.ok) {
				refused('board:sync', request.error);
				return request;
			}
			try {
				const { since, full, sparse } = request.data;
				return { ok: true, data: await sync(sql, snapshots, storeId, since, full, sparse) };
			} catch (error) {
				console.error('[board:sync]', error);
				return { ok: false, error: { code: 'unavailable', message: 'could not read the board' } };
			}
		};

		socket.on('board:sync', async (...args: unknown[]) => {
			const ack = args.at(-1) as ((result: Ack<SyncResult>) => void) | undefined;
			if (typeof ack !== 'function') return;
			ack(await answerSync(args.length === 2 ? args[0] : undefined));
		});

		// The screen's first sync, carried by its handshake (SocketAuth.sync): answered now, the
		// socket being in its room already (a move committed from here on reaches it as an event)
		const carried = (socket.handshake.auth as { sync?: unknown } | undefined)?.sync;
		if (carried !== undefined) {
			void answerSync(carried).then((result) => {
				if (socket.connected) socket.emit('board:synced', result);
			});
		}
	});

	// The head heartbeat: each instance reads the true heads from Postgres and tells its own
	// screens, so a screen that missed the last event (lost pub/sub message) still notices.
	let beating = false;
	const beat = async () => {
		if (beating) return; // a slow database must not pile up heartbeats
		const storeIds = [...io.of('/').adapter.rooms.keys()]
			.filter((room) => room.startsWith('store:') || room.startsWith('welcome:'))
			.map((room) => Number(room.slice(room.indexOf(':') + 1)));
		if (storeIds.length === 0) return;
		beating = true;
		// one read that never answers (a connection lost under it) must not silence the heartbeat
		// for good: after this long the next beat may try again
		let timer: ReturnType<typeof setTimeout> | undefined;
		const giveUp = new Promise<never>((_, reject) => {
			timer = setTimeout(() => reject(new Error('heads read timed out')), HEADS_TIMEOUT_MS);
		});
		try {
			for (const [storeId, seq] of await Promise.race([board.heads(sql, storeIds), giveUp])) {
				io.local.to([roomOf(storeId), welcomeRoomOf(storeId)]).emit('board:head', { seq });
			}
		} catch (error) {
			console.warn(`[heartbeat] ${(error as Error).message}`);
		} finally {
			clearTimeout(timer);
			beating = false;
		}
	};
	const heartbeat = setInterval(beat, deps.heartbeatMs ?? HEARTBEAT_MS);
	heartbeat.unref();
	// broadcasts from other instances were lost while Redis was away: beat at once when it is back
	redis?.sub.on('ready', () => void beat());

	/** Disconnects every socket, on every instance, that holds a credential just revoked. */
	const disconnectCredential = (room: string) => {
		io.to(room).emit('session:revoked');
		io.in(room).disconnectSockets(true);
	};

	// The backstop: should the cross-instance disconnect be lost (Redis away), each instance finds
	// its own sockets whose credentials were revoked or expired within REVALIDATE_MS.
	let checking = false;
	const revalidate = async () => {
		if (checking) return;
		checking = true;
		try {
			const ids = { session: new Set<number>(), display: new Set<number>(), token: new Set<number>() };
			for (const socket of io.of('/').sockets.values()) {
				const credential = socket.data.credential;
				if (credential) ids[credential.kind].add(credential.id);
			}
			const [s, d, t] = await Promise.all([
				sessions.invalid(sql, [...ids.session]),
				displays.revokedAmong(sql, [...ids.display]),
				apiTokens.revokedAmong(sql, [...ids.token])
			]);
			const rooms = [...s.map((id) => `session:${id}`), ...d.map((id) => `display:${id}`), ...t.map((id) => `token:${id}`)];
			for (const room of rooms) {
				io.local.to(room).emit('session:revoked');
				io.local.in(room).disconnectSockets(true);
			}
			await recheckRoles();
		} catch (error) {
			console.warn(`[revalidate] ${(error as Error).message}`);
		} finally {
			checking = false;
		}
	};
	/**
	 * A person's roles may change while their screens are open: each socket gets its current roles;
	 * one that may no longer see the store is told and disconnected.
	 */
	const recheckRoles = async () => {
		const people = [...io.of('/').sockets.values()].filter(
			(socket) => socket.data.credential?.kind === 'session' && socket.data.userId !== null
		);
		if (people.length === 0) return;
		const pairs = new Map<string, { userId: number; storeId: number }>();
		for (const socket of people) {
			const { userId, storeId } = socket.data;
			pairs.set(`${userId}:${storeId}`, { userId: userId!, storeId });
		}
		const current = await storeRolesOf(sql, [...pairs.values()]);
		for (const socket of people) {
			const roles = current.get(`${socket.data.userId}:${socket.data.storeId}`) ?? [];
			if (!can(roles, 'board:view')) {
				socket.emit('session:revoked');
				socket.disconnect(true);
			} else {
				socket.data.roles = roles;
			}
		}
	};
	const revalidation = setInterval(revalidate, deps.revalidateMs ?? REVALIDATE_MS);
	revalidation.unref();

	return {
		io,
		cards,
		broadcast,
		disconnectCredential,
		async close() {
			for (const { timer } of nudges.values()) clearTimeout(timer);
			nudges.clear();
			clearInterval(revalidation);
			clearInterval(heartbeat);
			await new Promise<void>((resolve) => io.close(() => resolve()));
			redis?.pub.disconnect();
			redis?.sub.disconnect();
		}
	};
}

export type Realtime = Awaited<ReturnType<typeof createRealtime>>;

type Packet = { type: number; data?: unknown[] };
/** what socket.io-adapter 2.5's in-memory adapter calls once per broadcast, before its sockets */
type Encoding = { _encode?: (this: unknown, packet: Packet, options: unknown) => unknown };

/**
 * Calls `seen` with every board event this instance broadcasts to its screens: its own, and the
 * other instances' that reach it through the Redis adapter (which hands them to the in-memory
 * broadcast when this instance has a screen of that store). Both pass the adapter's `_encode`,
 * once per broadcast, which is where this listens: an internal of socket.io-adapter (2.5, pinned
 * with socket.io 4.8). Should an upgrade rename it, moves only lose their one-round-trip way
 * (cardCache.ts), and the cross-instance test that checks the cache learns fails.
 */
function watchEvents(io: BoardServer, seen: (event: BoardEvent) => void) {
	const adapter = io.of('/').adapter as unknown as Encoding;
	const encode = adapter._encode;
	if (typeof encode !== 'function') {
		console.warn('[realtime] socket.io-adapter has no _encode: moves will read the card first');
		return;
	}
	adapter._encode = function (packet, options) {
		const [name, event] = packet.data ?? [];
		if (typeof name === 'string' && name.startsWith('card:') && (event as BoardEvent | undefined)?.card) {
			seen(event as BoardEvent);
		}
		return encode.call(this, packet, options);
	};
}

/** The roles each (user, store) holds now, group admin included, keyed `userId:storeId`. */
async function storeRolesOf(sql: Sql, pairs: { userId: number; storeId: number }[]) {
	const rows = await sql<{ userId: number; storeId: number; roles: Role[] }[]>`
		select x.user_id::int as "userId", x.store_id::int as "storeId",
			array(select r.role from store_roles r
				where r.user_id = x.user_id and r.store_id = x.store_id)
			|| case when exists (
				select 1 from group_admins g join stores s on s.group_id = g.group_id
				where g.user_id = x.user_id and s.id = x.store_id) then array['groupAdmin'] else '{}' end
				as roles
		from unnest(${pairs.map((p) => p.userId)}::bigint[], ${pairs.map((p) => p.storeId)}::bigint[])
			as x(user_id, store_id)`;
	return new Map(rows.map((row) => [`${row.userId}:${row.storeId}`, row.roles]));
}

/**
 * What a screen behind `since` needs: the missed events, or a snapshot when too far behind or
 * when it asks for the whole board (`full`: a board page's first sync; from this instance's board
 * cache, so the screens loading an unchanged board share one read).
 */
export async function sync(
	sql: Sql,
	snapshots: Snapshots,
	storeId: number,
	since: number,
	full = false,
	sparse = false
): Promise<SyncResult> {
	// The head first: events read after it reach at least that far. (Read after the events, a move
	// committing in between made an up-to-date screen look out of step, and it got a snapshot.)
	const head = (await board.heads(sql, [storeId])).get(storeId) ?? 0;
	if (!full && since <= head) {
		const events = await board.eventsSince(sql, storeId, since, MAX_REPLAY_EVENTS + 1);
		if (events.length === 0 && since === head) return { kind: 'events', head, events };
		if (events.length > 0 && events.length <= MAX_REPLAY_EVENTS && events[0].seq === since + 1) {
			return { kind: 'events', head: events[events.length - 1].seq, events };
		}
	}
	const snap = await snapshots.read(storeId, head);
	return sparse
		? { kind: 'snapshot', head: snap.head, sparse: true, cards: snapshots.sparse(snap) }
		: { kind: 'snapshot', head: snap.head, cards: snap.cards };
}
