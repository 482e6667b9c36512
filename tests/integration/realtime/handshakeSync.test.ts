/**
 * The first sync carried by the handshake (SocketAuth.sync): the server answers it with
 * `board:synced` right after accepting the socket, exactly as `board:sync` would have answered,
 * and refuses a malformed one the same way. A handshake without it gets no `board:synced`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { EARLY_BOARD_PARAM, snapshotCards, type Ack, type SyncResult } from '$lib/realtime/contract';
import { moveCard } from '$lib/server/board/move';
import { redisUrl } from '../../adminUrl';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { addStore, readCard, snapshot, type FixtureStore } from '../helpers/boardFixture';
import { cleanup, startApp, type App } from '../helpers/apps';
import { nextEvent, openSocket, syncBoard, type BoardSocket } from '../helpers/clients';
import { requireRedis } from '../helpers/processes';

const opened = cleanup();
let db: TestDatabase;
let app: App;
let store: FixtureStore;

beforeAll(async () => {
	await requireRedis(redisUrl);
	db = opened.add(await createTestDatabase(), (d) => d.drop());
	store = await addStore(db.sql, { cards: 6 });
	app = opened.add(await startApp({ name: 'inst-hs', databaseUrl: db.url, redisUrl }), (a) => a.close());
});
afterAll(() => opened.run());

/** Connects with `sync` in the handshake; resolves with what `board:synced` brought. */
async function connectWith(sync: unknown): Promise<{ socket: BoardSocket; answer: Ack<SyncResult> }> {
	const socket = opened.add(openSocket(app.url, store, { auth: { store: store.slug, sync } }), (s) => s.close());
	const answer = nextEvent(socket, 'board:synced', () => true, 5_000);
	socket.connect();
	return { socket, answer: await answer };
}

describe('a sync carried by the handshake', () => {
	it('full: the whole board as a snapshot at the head, the same as board:sync answers', async () => {
		const { socket, answer } = await connectWith({ since: 0, full: true });
		const db0 = await snapshot(db.sql, store.id);
		expect(answer.ok).toBe(true);
		if (!answer.ok || answer.data.kind !== 'snapshot') throw new Error(JSON.stringify(answer));
		expect(answer.data.head).toBe(db0.head);
		expect(answer.data.cards.map((c) => c.id).sort()).toEqual(db0.cards.map((c) => c.id).sort());
		expect(await syncBoard(socket, 0)).toMatchObject({ ok: true, data: { kind: 'events', head: db0.head } });
	});

	it('sparse: the same cards, with the fields at their usual value left out', async () => {
		const { answer: whole } = await connectWith({ since: 0, full: true });
		const { answer } = await connectWith({ since: 0, full: true, sparse: true });
		if (!whole.ok || whole.data.kind !== 'snapshot' || !answer.ok || answer.data.kind !== 'snapshot') {
			throw new Error(JSON.stringify([whole, answer]).slice(0, 300));
		}
		expect(answer.data).toMatchObject({ sparse: true, head: whole.data.head });
		expect('sparse' in whole.data).toBe(false);
		// every card of the fixture is at rest: no flag, no technician, no QC check
		for (const card of answer.data.cards) expect(card).not.toHaveProperty('safety');
		expect(snapshotCards(answer.data)).toEqual(whole.data.cards);
		expect(JSON.stringify(answer.data).length).toBeLessThan(0.6 * JSON.stringify(whole.data).length);
	});

	it('since: the events after it; the socket is in the room before the answer is read', async () => {
		const before = (await snapshot(db.sql, store.id)).head;
		const card = await readCard(db.sql, store.cardIds[0]);
		const moved = await moveCard(
			db.sql,
			store.id,
			{ cardId: card.id, to: card.column === 'prep' ? 'ready' : 'prep', expectedVersion: card.version, idempotencyKey: `hs-${card.id}-${card.version}` },
			{ userId: null, label: 'test', source: 'test' }
		);
		expect(moved.ok).toBe(true);
		const { socket, answer } = await connectWith({ since: before });
		if (!answer.ok || answer.data.kind !== 'events') throw new Error(JSON.stringify(answer));
		expect(answer.data.events.map((e) => e.seq)).toEqual([before + 1]);
		// a move from now on arrives as an event
		const next = await readCard(db.sql, store.cardIds[1]);
		const heard = nextEvent(socket, 'card:moved', (e) => e.card.id === next.id);
		await moveCard(
			db.sql,
			store.id,
			{ cardId: next.id, to: next.column === 'prep' ? 'ready' : 'prep', expectedVersion: next.version, idempotencyKey: `hs-${next.id}-${next.version}` },
			{ userId: null, label: 'test', source: 'test' }
		).then((r) => r.ok && app.realtime.broadcast(store.id, r.data.event));
		expect((await heard).seq).toBe(before + 2);
	});

	it('malformed: refused with invalidInput, and the socket stays usable', async () => {
		const { socket, answer } = await connectWith({ since: -1, extra: 'x' });
		expect(answer).toMatchObject({ ok: false, error: { code: 'invalidInput' } });
		expect((await syncBoard(socket, 0)).ok).toBe(true);
	});

	it('without one: no board:synced', async () => {
		const socket = opened.add(openSocket(app.url, store), (s) => s.close());
		let synced = false;
		socket.on('board:synced', () => (synced = true));
		await new Promise<void>((resolve) => {
			socket.once('connect', () => resolve());
			socket.connect();
		});
		await syncBoard(socket, 0);
		expect(synced).toBe(false);
	});
});

/**
 * A board page's early WebSocket (src/app.html) names its board in the URL and sends nothing: the
 * server makes the CONNECT, with the board's first sync, as the socket opens (EARLY_BOARD_PARAM).
 * A raw WebSocket here, as the page's inline script opens it: every frame it gets, in order.
 */
describe('a board named in the socket URL (the page’s early socket)', () => {
	/** Opens a raw engine.io WebSocket; `frames` fills as they come. */
	function rawSocket(query: string, headers: Record<string, string>) {
		const url = `${app.url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket${query}`;
		const ws = opened.add(new WebSocket(url, { headers }), (w) => w.terminate());
		const frames: string[] = [];
		const waiters: (() => void)[] = [];
		ws.on('message', (data) => {
			frames.push(String(data));
			for (const wake of waiters.splice(0)) wake();
		});
		/** resolves with the frames once `n` have come (or rejects after `ms`) */
		const first = (n: number, ms = 5_000) =>
			new Promise<string[]>((resolve, reject) => {
				const timer = setTimeout(() => reject(new Error(`${frames.length} of ${n} frames: ${frames.join(' | ').slice(0, 300)}`)), ms);
				const check = () => {
					if (frames.length >= n) {
						clearTimeout(timer);
						resolve(frames.slice(0, n));
					} else waiters.push(check);
				};
				check();
			});
		return { ws, frames, first };
	}
	const asPage = () => ({ cookie: store.cookie, origin: app.url });
	const board = (slug: string) => `&${EARLY_BOARD_PARAM}=${encodeURIComponent(slug)}`;

	it('opens, is accepted and gets the whole board without sending a frame, then hears moves', async () => {
		const { ws, first } = rawSocket(board(store.slug), asPage());
		const [open, connect, synced] = await first(3);
		expect(open).toMatch(/^0\{"sid"/);
		expect(connect).toMatch(/^40\{"sid"/);
		const [name, answer] = JSON.parse(synced.slice(2)) as [string, Ack<SyncResult>];
		expect(name).toBe('board:synced');
		const db0 = await snapshot(db.sql, store.id);
		if (!answer.ok || answer.data.kind !== 'snapshot') throw new Error(synced.slice(0, 300));
		expect(answer.data.head).toBe(db0.head);
		// the whole board, sparse (as the board's screens ask), filled in: the database's cards
		expect('sparse' in answer.data).toBe(true);
		const byId = (a: { id: number }, b: { id: number }) => a.id - b.id;
		expect(snapshotCards(answer.data).sort(byId)).toEqual([...db0.cards].sort(byId));
		// in the store's room: a committed move arrives
		const card = await readCard(db.sql, store.cardIds[2]);
		const r = await moveCard(
			db.sql,
			store.id,
			{ cardId: card.id, to: card.column === 'prep' ? 'ready' : 'prep', expectedVersion: card.version, idempotencyKey: `early-${card.id}-${card.version}` },
			{ userId: null, label: 'test', source: 'test' }
		);
		if (!r.ok) throw new Error(JSON.stringify(r));
		app.realtime.broadcast(store.id, r.data.event);
		const frames = await first(4);
		expect(JSON.parse(frames[3].slice(2))).toEqual(['card:moved', expect.objectContaining({ seq: r.data.event.seq })]);
		// and it speaks socket.io as any socket: a board:sync with an ack
		ws.send(`421["board:sync",{"since":${r.data.event.seq}}]`);
		const [, , , , ack] = await first(5);
		expect(ack).toMatch(/^431\[\{"ok":true,"data":\{"kind":"events"/);
	});

	it('is checked like any handshake: no credential, another origin, an unknown or over-long store', async () => {
		const refusals = await Promise.all(
			[
				rawSocket(board(store.slug), { origin: app.url }),
				rawSocket(board(store.slug), { cookie: store.cookie, origin: 'http://evil.example' }),
				rawSocket(board('no-such-store'), asPage()),
				rawSocket(board('x'.repeat(41)), asPage())
			].map(async (s) => (await s.first(2))[1])
		);
		expect(refusals.map((f) => JSON.parse(f.slice(2)).message)).toEqual([
			'unauthenticated',
			'originNotAllowed',
			'storeNotFound',
			'storeNotFound'
		]);
	});

	it('without it the server waits for the client’s own CONNECT, as before', async () => {
		const { ws, first } = rawSocket('', asPage());
		await first(1);
		// a handshake of its own (no sync in it), then a board:sync: had the server made one with the
		// first sync as the socket opened, its board:synced would stand before these answers
		ws.send(`40${JSON.stringify({ store: store.slug })}`);
		await first(2);
		ws.send('421["board:sync",{"since":0}]');
		const frames = await first(3);
		expect(frames.map((f) => f.slice(0, 3))).toEqual(['0{"', '40{', '431']);
	});
});
