/**
 * G2: a retried command (same idempotency key) is applied once, and the retry gets the first
 * result back, whether the retry comes after the first answer or races it on another instance.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ack, MoveCommand, MoveResult } from '$lib/realtime/contract';
import { redisUrl } from '../../adminUrl';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { addStore, invariantViolations, readCard, type FixtureStore } from '../helpers/boardFixture';
import { cleanup, startApp, type App } from '../helpers/apps';
import { connectSocket, move, type BoardSocket } from '../helpers/clients';
import { requireRedis } from '../helpers/processes';

const opened = cleanup();
let db: TestDatabase;
let a: App;
let b: App;
let store: FixtureStore;
let onA: BoardSocket;
let onB: BoardSocket;

beforeAll(async () => {
	await requireRedis(redisUrl);
	db = opened.add(await createTestDatabase(), (d) => d.drop());
	store = await addStore(db.sql, { cards: 12 });
	a = opened.add(await startApp({ name: 'inst-a', databaseUrl: db.url, redisUrl }), (app) => app.close());
	b = opened.add(await startApp({ name: 'inst-b', databaseUrl: db.url, redisUrl }), (app) => app.close());
	onA = opened.add(await connectSocket(a.url, store), (s) => s.close());
	onB = opened.add(await connectSocket(b.url, store), (s) => s.close());
});
afterAll(() => opened.run());

const eventsOf = async (cardId: number) =>
	(
		await db.sql<{ n: number }[]>`
			select count(*)::int as n from board_events where store_id = ${store.id} and card_id = ${cardId}`
	)[0].n;

function expectAppliedOnce(acks: Ack<MoveResult>[]) {
	const oks = acks.map((ack) => {
		expect(ack, JSON.stringify(ack)).toMatchObject({ ok: true });
		return (ack as Extract<Ack<MoveResult>, { ok: true }>).data;
	});
	expect(oks.filter((r) => !r.replayed)).toHaveLength(1);
	for (const r of oks) expect(r.event).toEqual(oks[0].event);
	return oks[0].event;
}

describe('the same command twice', () => {
	it('one after the other: applied once, the retry answered with the first event', async () => {
		const cardId = store.cardIds[0];
		const command: MoveCommand = { cardId, to: 'ready', expectedVersion: 1, idempotencyKey: 'retry-seq-0001' };
		const first = await move(onA, command);
		const second = await move(onB, command);
		expect(first).toMatchObject({ ok: true, data: { replayed: false } });
		expect(second).toMatchObject({ ok: true, data: { replayed: true } });
		const event = expectAppliedOnce([first, second]);
		expect(await eventsOf(cardId)).toBe(1);
		expect(await readCard(db.sql, cardId)).toEqual(event.card);
	});

	it('at the same time, on the same and on different instances: applied once, both get the same event', async () => {
		// ten races; each on a fresh card so that every race starts from version 1
		for (let i = 1; i <= 10; i++) {
			const cardId = store.cardIds[i];
			const command: MoveCommand = {
				cardId,
				to: 'ready',
				expectedVersion: 1,
				idempotencyKey: `retry-race-${String(i).padStart(4, '0')}`
			};
			const sockets = i % 2 ? [onA, onB, onA] : [onB, onB, onA];
			const acks = await Promise.all(sockets.map((s) => move(s, command)));
			const event = expectAppliedOnce(acks);
			expect(await eventsOf(cardId)).toBe(1);
			expect((await readCard(db.sql, cardId)).version).toBe(2);
			expect(event.card.version).toBe(2);
		}
		expect(await invariantViolations(db.sql)).toEqual([]);
	});

	it('refuses a key reused for another command instead of answering with the first result', async () => {
		const cardId = store.cardIds[11];
		const first = await move(onA, { cardId, to: 'ready', expectedVersion: 1, idempotencyKey: 'reused-key-01' });
		expect(first).toMatchObject({ ok: true, data: { replayed: false } });
		const other = await move(onB, { cardId, to: 'prep', expectedVersion: 2, idempotencyKey: 'reused-key-01' });
		expect(other).toMatchObject({ ok: false, error: { code: 'invalidInput' } });
		expect(await eventsOf(cardId)).toBe(1);
		expect((await readCard(db.sql, cardId)).column).toBe('ready');
	});
});
