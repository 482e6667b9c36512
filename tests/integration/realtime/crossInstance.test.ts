/**
 * G1 and G5 across instances: a move sent to one instance reaches the screens of that store on
 * another instance through Redis, only after it committed, and never a screen of another store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BoardEvent } from '$lib/realtime/contract';
import { redisUrl } from '../../adminUrl';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { addStore, readCard, type FixtureStore } from '../helpers/boardFixture';
import { cleanup, startApp, type App } from '../helpers/apps';
import { connectSocket, move, nextEvent, type BoardSocket } from '../helpers/clients';
import { requireRedis } from '../helpers/processes';

const opened = cleanup();
let db: TestDatabase;
let a: App;
let b: App;
let north: FixtureStore;
let south: FixtureStore;

beforeAll(async () => {
	await requireRedis(redisUrl);
	db = opened.add(await createTestDatabase(), (d) => d.drop());
	north = await addStore(db.sql, { cards: 3, label: 'north' });
	south = await addStore(db.sql, { cards: 3, label: 'south' });
	a = opened.add(await startApp({ name: 'inst-a', databaseUrl: db.url, redisUrl }), (app) => app.close());
	b = opened.add(await startApp({ name: 'inst-b', databaseUrl: db.url, redisUrl }), (app) => app.close());
});
afterAll(() => opened.run());

const socket = async (app: App, store: FixtureStore) =>
	opened.add(await connectSocket(app.url, store), (s: BoardSocket) => s.close());

describe('a move across two instances', () => {
	it('reaches the same store on the other instance with the same seq and card, and no other store', async () => {
		const advisor = await socket(a, north);
		const wallTv = await socket(b, north);
		const otherStoreHere = await socket(a, south);
		const otherStoreThere = await socket(b, south);
		const heardByOtherStore: BoardEvent[] = [];
		for (const s of [otherStoreHere, otherStoreThere]) s.on('card:moved', (e) => heardByOtherStore.push(e));

		const seen = nextEvent(wallTv, 'card:moved');
		const ack = await move(advisor, {
			cardId: north.cardIds[0],
			to: 'ready',
			expectedVersion: 1,
			idempotencyKey: 'cross-north-1'
		});
		expect(ack.ok).toBe(true);
		if (!ack.ok) return;
		const event = await seen;
		expect(event).toEqual(ack.data.event);
		expect(event.seq).toBe(1);
		expect(event.card).toMatchObject({ id: north.cardIds[0], column: 'ready', version: 2 });

		// Then the other store moves, through the same instance and the same Redis connection: its
		// own event arrives after anything the north move could have sent it, so hearing only its
		// own event proves it heard nothing of the north store.
		const southSeenThere = nextEvent(otherStoreThere, 'card:moved');
		const southSeenHere = nextEvent(otherStoreHere, 'card:moved');
		const southAdvisor = await socket(a, south);
		const southAck = await move(southAdvisor, {
			cardId: south.cardIds[0],
			to: 'ready',
			expectedVersion: 1,
			idempotencyKey: 'cross-south-1'
		});
		expect(southAck.ok).toBe(true);
		await Promise.all([southSeenThere, southSeenHere]);
		expect(heardByOtherStore.map((e) => [e.seq, e.card.id])).toEqual([
			[1, south.cardIds[0]],
			[1, south.cardIds[0]]
		]);
	});

	it('is committed when the ack arrives: card, event with its seq, exactly one audit row (G1)', async () => {
		const advisor = await socket(b, north);
		const cardId = north.cardIds[1];
		const ack = await move(advisor, { cardId, to: 'ready', expectedVersion: 1, idempotencyKey: 'g1-north-2' });
		// no waiting here: the very first read after the ack must see the commit
		const [card, events, audits] = await Promise.all([
			readCard(db.sql, cardId),
			db.sql<{ seq: number; cardId: number; payload: BoardEvent }[]>`
				select seq::int, card_id::int as "cardId", payload from board_events
				where store_id = ${north.id} and card_id = ${cardId}`,
			db.sql<{ seq: number; action: string; source: string; detail: unknown }[]>`
				select seq::int, action, source, detail from audit_log
				where store_id = ${north.id} and card_id = ${cardId}`
		]);
		expect(ack.ok).toBe(true);
		if (!ack.ok) return;
		const { event } = ack.data;
		expect(card.column).toBe('ready');
		expect(card.version).toBe(2);
		expect(event.card).toEqual(card);
		expect(events).toEqual([{ seq: event.seq, cardId, payload: event }]);
		expect(audits).toHaveLength(1);
		expect(audits[0]).toMatchObject({
			seq: event.seq,
			action: 'card.move',
			detail: { from: 'prep', to: 'ready', version: 2, rework: false }
		});
		expect(audits[0].source).toContain('inst-b');
	});
});
