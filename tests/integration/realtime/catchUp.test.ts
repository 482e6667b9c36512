/**
 * G6: a screen that was away, or missed a broadcast, finds out from the sequence numbers and
 * catches up: the missed events when few, a snapshot when more than MAX_REPLAY_EVENTS, and the
 * head heartbeat for a lost last event. Afterwards it shows exactly the database's board.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_REPLAY_EVENTS, type BoardEvent } from '$lib/realtime/contract';
import { moveCard } from '$lib/server/board/move';
import { redisUrl } from '../../adminUrl';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { addStore, readCard, snapshot, type FixtureStore } from '../helpers/boardFixture';
import { cleanup, startApp, type App } from '../helpers/apps';
import {
	connectSocket,
	disconnected,
	move,
	nextEvent,
	Screen,
	syncBoard,
	until,
	type BoardSocket
} from '../helpers/clients';
import { requireRedis } from '../helpers/processes';

const opened = cleanup();
let db: TestDatabase;
let a: App;
/** heartbeat every 150 ms */
let b: App;
/** heartbeat practically never: what reaches its screens is only broadcasts and their own syncs */
let quiet: App;
let store: FixtureStore;
let advisors: BoardSocket[];

const HEARTBEAT_MS = 150;

beforeAll(async () => {
	await requireRedis(redisUrl);
	db = opened.add(await createTestDatabase(), (d) => d.drop());
	store = await addStore(db.sql, { cards: 8 });
	// the advisors on `a` are scripts moving hundreds of cards in seconds, far past a person's allowance
	const rateLimit = { perSecond: 10_000, burst: 10_000 };
	a = opened.add(await startApp({ name: 'inst-a', databaseUrl: db.url, redisUrl, rateLimit }), (app) => app.close());
	b = opened.add(
		await startApp({ name: 'inst-b', databaseUrl: db.url, redisUrl, heartbeatMs: HEARTBEAT_MS }),
		(app) => app.close()
	);
	quiet = opened.add(
		await startApp({ name: 'inst-quiet', databaseUrl: db.url, redisUrl, heartbeatMs: 3_600_000 }),
		(app) => app.close()
	);
	advisors = [];
	for (const _ of store.cardIds) {
		advisors.push(opened.add(await connectSocket(a.url, store), (s) => s.close()));
	}
});
afterAll(() => opened.run());

const head = async () => (await snapshot(db.sql, store.id)).head;
const eventsAfter = (since: number) =>
	db.sql<{ payload: BoardEvent }[]>`
		select payload from board_events where store_id = ${store.id} and seq > ${since} order by seq`.then(
		(rows) => rows.map((r) => r.payload)
	);

/** Moves card `i` forth and back between prep and ready `times` times through its own advisor. */
async function shuffle(i: number, times: number) {
	for (let n = 0; n < times; n++) {
		const card = await readCard(db.sql, store.cardIds[i]);
		const ack = await move(advisors[i], {
			cardId: card.id,
			to: card.column === 'prep' ? 'ready' : 'prep',
			expectedVersion: card.version,
			idempotencyKey: `shuffle-${card.id}-v${card.version}`
		});
		expect(ack.ok, JSON.stringify(ack)).toBe(true);
	}
}

/** `count` moves spread over the cards, in parallel per card. */
async function moves(count: number) {
	const per = Math.ceil(count / store.cardIds.length);
	await Promise.all(store.cardIds.map((_, i) => shuffle(i, Math.min(per, Math.max(0, count - i * per)))));
}

/** A move committed by the server's own transaction, but never broadcast (a lost message). */
async function commitUnheard(cardId: number): Promise<BoardEvent> {
	const card = await readCard(db.sql, cardId);
	const result = await moveCard(
		db.sql,
		store.id,
		{
			cardId,
			to: card.column === 'prep' ? 'ready' : 'prep',
			expectedVersion: card.version,
			idempotencyKey: `unheard-${cardId}-v${card.version}`
		},
		{ userId: null, label: 'test', source: 'test' }
	);
	if (!result.ok) throw new Error(JSON.stringify(result));
	return result.data.event;
}

describe('a screen that was away', () => {
	it('gets exactly the missed events when it syncs after reconnecting', async () => {
		const watcher = opened.add(await connectSocket(b.url, store), (s) => s.close());
		const since = await head();
		watcher.disconnect();
		await moves(5);
		await new Promise<void>((resolve) => {
			watcher.once('connect', resolve);
			watcher.connect();
		});
		const result = await syncBoard(watcher, since);
		expect(result.ok).toBe(true);
		if (!result.ok) return;
		expect(result.data).toEqual({ kind: 'events', head: since + 5, events: await eventsAfter(since) });
		expect(result.data.kind === 'events' && result.data.events.map((e) => e.seq)).toEqual(
			[1, 2, 3, 4, 5].map((n) => since + n)
		);
	});

	it(`replays up to ${MAX_REPLAY_EVENTS} missed events and sends a snapshot beyond`, async () => {
		const watcher = opened.add(await connectSocket(b.url, store), (s) => s.close());
		const since = await head();
		const away = disconnected(watcher);
		watcher.disconnect();
		await away;
		await moves(MAX_REPLAY_EVENTS + 4);
		const now = await head();
		expect(now - since).toBe(MAX_REPLAY_EVENTS + 4);
		await new Promise<void>((resolve) => {
			watcher.once('connect', resolve);
			watcher.connect();
		});

		const far = await syncBoard(watcher, since);
		expect(far).toEqual({ ok: true, data: { kind: 'snapshot', ...(await snapshot(db.sql, store.id)) } });

		const justTooFar = await syncBoard(watcher, now - MAX_REPLAY_EVENTS - 1);
		expect(justTooFar.ok && justTooFar.data.kind).toBe('snapshot');
		const edge = await syncBoard(watcher, now - MAX_REPLAY_EVENTS);
		expect(edge).toEqual({
			ok: true,
			data: { kind: 'events', head: now, events: await eventsAfter(now - MAX_REPLAY_EVENTS) }
		});
		expect(await syncBoard(watcher, now)).toEqual({
			ok: true,
			data: { kind: 'events', head: now, events: [] }
		});
		// a screen ahead of the server (say, after a restore) is not told "nothing new"
		const ahead = await syncBoard(watcher, now + 3);
		expect(ahead.ok && ahead.data.kind).toBe('snapshot');
	});

	it('a screen whose connection dropped reconnects by itself and shows exactly the database board', async () => {
		const screen = opened.add(
			await new Screen('tv', b.url, store, () => snapshot(db.sql, store.id)).start(),
			(s) => s.stop()
		);
		// the network drops under it: the server side closes, and the client comes back on its own
		const dropped = disconnected(screen.socket);
		b.realtime.io.sockets.sockets.get(screen.socket.id!)!.conn.close();
		expect(await dropped).toBe('transport close');
		await moves(7);
		const truth = await snapshot(db.sql, store.id);
		const took = await until(() => screen.shows(truth), 'the screen shows the database board');
		await until(() => screen.stats.connects === 2, 'the screen reconnected');
		console.log(`[catch-up] dropped connection, 7 moves: converged ${Math.round(took)} ms after the last move`);
	});

	it(`a screen asleep for more than ${MAX_REPLAY_EVENTS} moves wakes to a snapshot and shows exactly the database board`, async () => {
		const screen = opened.add(
			await new Screen('tv', b.url, store, () => snapshot(db.sql, store.id)).start(),
			(s) => s.stop()
		);
		const asleep = disconnected(screen.socket);
		screen.socket.disconnect();
		await asleep;
		await moves(MAX_REPLAY_EVENTS + 30);
		const truth = await snapshot(db.sql, store.id);
		screen.socket.connect();
		const took = await until(() => screen.shows(truth), 'the screen shows the database board');
		expect(screen.stats.snapshots).toBe(1);
		console.log(`[catch-up] ${MAX_REPLAY_EVENTS + 30} missed: converged ${Math.round(took)} ms after waking`);
	});
});

describe('a screen that is up to date', () => {
	it('gets the new events, never a whole snapshot, when it syncs while moves commit', async () => {
		// a screen syncs far more often here than any real one: spread it over sockets, each
		// within its command allowance
		const watchers: BoardSocket[] = [];
		for (let i = 0; i < 6; i++) {
			watchers.push(opened.add(await connectSocket(b.url, store), (s) => s.close()));
		}
		let known = await head();
		let writing = true;
		const writes = moves(160).finally(() => (writing = false));
		const kinds = { events: 0, snapshot: 0 };
		try {
			for (let n = 0; writing && n < 6 * 30; n++) {
				const result = await syncBoard(watchers[n % watchers.length], known);
				if (!result.ok) throw new Error(JSON.stringify(result));
				kinds[result.data.kind]++;
				if (result.data.kind === 'events') {
					expect(result.data.events.map((e) => e.seq)).toEqual(
						result.data.events.map((_, i) => known + 1 + i)
					);
				}
				known = result.data.head;
			}
		} finally {
			await writes;
		}
		console.log(`[catch-up] syncs of an up-to-date screen during writes: ${JSON.stringify(kinds)}`);
		expect(kinds.snapshot).toBe(0);
		expect(kinds.events).toBeGreaterThan(10);
	});
});

describe('a screen that missed a broadcast while connected', () => {
	it('receives the head heartbeat with the database head', async () => {
		const watcher = opened.add(await connectSocket(b.url, store), (s) => s.close());
		const now = await head();
		const heartbeat = nextEvent(watcher, 'board:head', ({ seq }) => seq === now, 5 * HEARTBEAT_MS);
		expect(await heartbeat).toEqual({ seq: now });
	});

	it('notices a lost last event from the heartbeat and catches up', async () => {
		const screen = opened.add(
			await new Screen('tv', b.url, store, () => snapshot(db.sql, store.id)).start(),
			(s) => s.stop()
		);
		// settled: its sync on connect is done, so only the heartbeat can tell it what comes next
		await until(() => screen.stats.syncs > 0 && !screen.busy, 'the sync on connect is done');
		// committed, but never broadcast: as if the Redis message was lost
		await commitUnheard(store.cardIds[0]);
		const truth = await snapshot(db.sql, store.id);
		const took = await until(() => screen.shows(truth), 'the screen catches up from the heartbeat');
		expect(screen.live.has(truth.head)).toBe(false);
		console.log(
			`[catch-up] lost last event: converged ${Math.round(took)} ms after commit (heartbeat ${HEARTBEAT_MS} ms)`
		);
	});

	it('notices a gap from the next event (no heartbeat) and fills it', async () => {
		const screen = opened.add(
			await new Screen('tv', quiet.url, store, () => snapshot(db.sql, store.id)).start(),
			(s) => s.stop()
		);
		const [first, second] = [store.cardIds[1], store.cardIds[2]];
		const lost = [await commitUnheard(first), await commitUnheard(second)];
		// only the second one is broadcast: the screen sees seq n+2 while it is at n
		a.realtime.broadcast(store.id, lost[1]);
		const truth = await snapshot(db.sql, store.id);
		await until(() => screen.shows(truth), 'the screen fills the gap');
		expect(screen.live.has(lost[1].seq)).toBe(true);
		expect(screen.live.has(lost[0].seq)).toBe(false);
		expect(screen.stats.heartbeats).toBe(0);
	});
});
