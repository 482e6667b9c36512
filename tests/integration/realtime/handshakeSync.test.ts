/**
 * The first sync carried by the handshake (SocketAuth.sync): the server answers it with
 * `board:synced` right after accepting the socket, exactly as `board:sync` would have answered,
 * and refuses a malformed one the same way. A handshake without it gets no `board:synced`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ack, SyncResult } from '$lib/realtime/contract';
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
