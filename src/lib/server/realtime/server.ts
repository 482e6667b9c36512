import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import {
	HEARTBEAT_MS,
	MAX_REPLAY_EVENTS,
	type Ack,
	type BoardEvent,
	type MoveResult,
	type ClientToServerEvents,
	type ServerToClientEvents,
	type SyncResult
} from '$lib/realtime/contract';
import type { Sql } from '../db/connect';
import * as board from '../db/board';
import * as stores from '../db/stores';
import { moveCard } from '../board/move';
import { Snapshots } from '../board/snapshots';
import { parse, parseMove, syncRequest } from '../board/commands';

interface SocketData {
	storeId: number;
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
	redisUrl?: string;
	instanceName: string;
	/** the head heartbeat's interval; tests shorten it */
	heartbeatMs?: number;
	/** commands one socket may send per second, and in a burst; race tests raise it */
	rateLimit?: { perSecond: number; burst: number };
}

/** Far more than a person dragging cards; a script flooding one socket is slowed down. */
const RATE_LIMIT = { perSecond: 20, burst: 40 };

export const roomOf = (storeId: number) => `store:${storeId}`;

/**
 * Builds the Socket.IO server on an HTTP server. Each handler validates, does its work in one
 * transaction, acks after COMMIT, then broadcasts the committed event to the store's room.
 */
export async function createRealtime(httpServer: HttpServer, deps: RealtimeDeps) {
	const { sql } = deps;
	const snapshots = deps.snapshots ?? new Snapshots(sql);
	const rateLimit = deps.rateLimit ?? RATE_LIMIT;
	const io: BoardServer = new Server(httpServer, {
		// websocket only: several instances need no sticky sessions
		transports: ['websocket'],
		maxHttpBufferSize: 16 * 1024,
		serveClient: false
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

	const broadcast = (storeId: number, event: BoardEvent) =>
		io.to(roomOf(storeId)).emit('card:moved', event);

	io.use(async (socket, next) => {
		const slug = (socket.handshake.auth as { store?: unknown })?.store;
		if (typeof slug !== 'string' || slug.length > 40) return next(new Error('storeNotFound'));
		try {
			const store = await stores.readBySlug(sql, slug);
			if (!store) return next(new Error('storeNotFound'));
			socket.data = {
				storeId: store.id,
				address: socket.handshake.address,
				tokens: rateLimit.burst,
				refilledAt: Date.now()
			};
			next();
		} catch {
			next(new Error('unavailable'));
		}
	});

	io.on('connection', (socket) => {
		const { storeId } = socket.data;
		socket.join(roomOf(storeId));

		const allow = (): boolean => {
			const now = Date.now();
			const d = socket.data;
			d.tokens = Math.min(rateLimit.burst, d.tokens + ((now - d.refilledAt) / 1000) * rateLimit.perSecond);
			d.refilledAt = now;
			if (d.tokens < 1) return false;
			d.tokens -= 1;
			return true;
		};
		const rateLimited = { ok: false, error: { code: 'rateLimited', message: 'too many commands' } } as const;

		socket.on('card:move', async (...args: unknown[]) => {
			// the ack is the last argument, whatever else a client sent before it
			const ack = args.at(-1) as ((result: Ack<MoveResult>) => void) | undefined;
			if (typeof ack !== 'function') return;
			const input = args.length === 2 ? args[0] : undefined;
			if (!allow()) return ack(rateLimited);
			const command = parseMove(input);
			if (!command.ok) return ack(command);
			let result: Ack<MoveResult>;
			try {
				result = await moveCard(sql, storeId, command.data, {
					userId: null,
					label: 'anonymous',
					source: `socket ${socket.data.address} ${deps.instanceName}`
				});
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
		});

		socket.on('board:sync', async (...args: unknown[]) => {
			const ack = args.at(-1) as ((result: Ack<SyncResult>) => void) | undefined;
			if (typeof ack !== 'function') return;
			const input = args.length === 2 ? args[0] : undefined;
			if (!allow()) return ack(rateLimited);
			const request = parse(syncRequest, input);
			if (!request.ok) return ack(request);
			try {
				ack({ ok: true, data: await sync(sql, snapshots, storeId, request.data.since) });
			} catch (error) {
				console.error('[board:sync]', error);
				ack({ ok: false, error: { code: 'unavailable', message: 'could not read the board' } });
			}
		});
	});

	// The head heartbeat: each instance reads the true heads from Postgres and tells its own
	// screens, so a screen that missed the last event (lost pub/sub message) still notices.
	let beating = false;
	const beat = async () => {
		if (beating) return; // a slow database must not pile up heartbeats
		const storeIds = [...io.of('/').adapter.rooms.keys()]
			.filter((room) => room.startsWith('store:'))
			.map((room) => Number(room.slice(6)));
		if (storeIds.length === 0) return;
		beating = true;
		try {
			for (const [storeId, seq] of await board.heads(sql, storeIds)) {
				io.local.to(roomOf(storeId)).emit('board:head', { seq });
			}
		} catch (error) {
			console.warn(`[heartbeat] ${(error as Error).message}`);
		} finally {
			beating = false;
		}
	};
	const heartbeat = setInterval(beat, deps.heartbeatMs ?? HEARTBEAT_MS);
	heartbeat.unref();
	// broadcasts from other instances were lost while Redis was away: beat at once when it is back
	redis?.sub.on('ready', () => void beat());

	return {
		io,
		broadcast,
		async close() {
			clearInterval(heartbeat);
			await new Promise<void>((resolve) => io.close(() => resolve()));
			redis?.pub.disconnect();
			redis?.sub.disconnect();
		}
	};
}

export type Realtime = Awaited<ReturnType<typeof createRealtime>>;

/** What a screen behind `since` needs: the missed events, or a snapshot when too far behind. */
export async function sync(
	sql: Sql,
	snapshots: Snapshots,
	storeId: number,
	since: number
): Promise<SyncResult> {
	// The head first: events read after it reach at least that far. (Read after the events, a move
	// committing in between made an up-to-date screen look out of step, and it got a snapshot.)
	const head = (await board.heads(sql, [storeId])).get(storeId) ?? 0;
	if (since <= head) {
		const events = await board.eventsSince(sql, storeId, since, MAX_REPLAY_EVENTS + 1);
		if (events.length === 0 && since === head) return { kind: 'events', head, events };
		if (events.length > 0 && events.length <= MAX_REPLAY_EVENTS && events[0].seq === since + 1) {
			return { kind: 'events', head: events[events.length - 1].seq, events };
		}
	}
	const snap = await snapshots.read(storeId, head);
	return { kind: 'snapshot', head: snap.head, cards: snap.cards };
}
