/**
 * A welcome board's socket (reception, facing customers) hears that the board changed — across
 * instances, at most once a second per store, with the last seq — and never a card.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisUrl } from '../../adminUrl';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { addStore, readCard, type FixtureStore } from '../helpers/boardFixture';
import { cleanup, startApp, type App } from '../helpers/apps';
import { connectSocket, move, syncBoard, until, type BoardSocket } from '../helpers/clients';
import { requireRedis } from '../helpers/processes';

const opened = cleanup();
let db: TestDatabase;
let a: App;
let b: App;
let store: FixtureStore;

beforeAll(async () => {
	await requireRedis(redisUrl);
	db = opened.add(await createTestDatabase(), (d) => d.drop());
	store = await addStore(db.sql, { cards: 4, label: 'welcome' });
	const rateLimit = { perSecond: 1_000, burst: 1_000 };
	a = opened.add(await startApp({ name: 'inst-a', databaseUrl: db.url, redisUrl, rateLimit }), (app) => app.close());
	b = opened.add(await startApp({ name: 'inst-b', databaseUrl: db.url, redisUrl }), (app) => app.close());
});
afterAll(() => opened.run());

describe('a welcome board on another instance', () => {
	it('gets one nudge with the last seq for a burst of moves, no card, and no board:sync', async () => {
		const advisor = opened.add(await connectSocket(a.url, store), (s: BoardSocket) => s.close());
		const welcome = opened.add(
			await connectSocket(b.url, store, { auth: { store: store.slug, view: 'welcome' } }),
			(s: BoardSocket) => s.close()
		);
		const nudges: number[] = [];
		const cards: unknown[] = [];
		welcome.on('welcome:changed', ({ seq }) => nudges.push(seq));
		for (const event of ['card:moved', 'card:created', 'card:archived'] as const) {
			welcome.on(event, (e: unknown) => cards.push(e));
		}

		let last = 0;
		for (const cardId of store.cardIds) {
			const card = await readCard(db.sql, cardId);
			const ack = await move(advisor, {
				cardId,
				to: 'ready',
				expectedVersion: card.version,
				idempotencyKey: `welcome-nudge-${cardId}`
			});
			expect(ack.ok).toBe(true);
			if (ack.ok) last = ack.data.event.seq;
		}
		await until(() => nudges.includes(last), 'the nudge with the last seq', 5_000);
		expect(nudges.length).toBeLessThan(store.cardIds.length);
		expect(cards).toEqual([]);

		// the board itself is not the welcome board's to read
		const sync = await syncBoard(welcome, 0);
		expect(sync.ok).toBe(false);
		if (!sync.ok) expect(sync.error.code).toBe('forbidden');
	});
});
