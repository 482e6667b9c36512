/**
 * G5 for card edits: an edit made over HTTP on instance A (the built app in its own process)
 * reaches the store's screens on instance B through Redis as `card:updated` (the handover as
 * `card:archived`), the same event the API answered, after it committed; never another store's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BoardEvent } from '$lib/realtime/contract';
import { redisUrl } from '../../adminUrl';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { cleanup, startApp, type App } from '../helpers/apps';
import { connectSocket, nextEvent, type BoardSocket } from '../helpers/clients';
import { requireRedis } from '../helpers/processes';
import { startWebApp, type WebApp } from '../helpers/authWorld';
import { addCard, addCardStore, newKey, viewCard, type CardStore, type CardUser } from './world';

const opened = cleanup();
let db: TestDatabase;
let a: WebApp;
let b: App;
let store: CardStore;
let other: CardStore;

beforeAll(async () => {
	await requireRedis(redisUrl);
	db = opened.add(await createTestDatabase(), (d) => d.drop());
	store = await addCardStore(db.sql, { label: 'live' });
	other = await addCardStore(db.sql, { label: 'live-other' });
	a = opened.add(await startWebApp({ name: 'inst-a', databaseUrl: db.url, redisUrl }), (w) => w.stop());
	b = opened.add(await startApp({ name: 'inst-b', databaseUrl: db.url, redisUrl }), (app) => app.close());
}, 120_000);
afterAll(() => opened.run());

const socket = async (url: string, s: CardStore, cookie = s.users.advisor.cookie) =>
	opened.add(await connectSocket(url, { slug: s.slug, cookie }), (x: BoardSocket) => x.close());

async function post(cardId: number, edit: Record<string, unknown>, who: CardUser = store.users.advisor) {
	const { version } = await viewCard(db.sql, cardId);
	const response = await fetch(`${a.url}/api/stores/${store.slug}/cards/${cardId}/edits`, {
		method: 'POST',
		headers: { cookie: who.cookie, origin: a.url, 'content-type': 'application/json' },
		body: JSON.stringify({ expectedVersion: version, idempotencyKey: newKey('live'), edit })
	});
	const body = (await response.json()) as Record<string, any>;
	expect(response.status, JSON.stringify(body)).toBe(200);
	return body.event as BoardEvent;
}

describe('a card edit across two instances', () => {
	it('reaches the wall display on the other instance as card:updated, the same event, committed', async () => {
		const cardId = await addCard(db.sql, store, { column: 'inBay' });
		const wallTv = await socket(b.url, store, store.display.cookie);
		const here = await socket(a.url, store);
		const otherStore = [await socket(b.url, other), await socket(a.url, other)];
		const heardByOther: BoardEvent[] = [];
		for (const s of otherStore) {
			s.on('card:updated', (e) => heardByOther.push(e));
			s.on('card:archived', (e) => heardByOther.push(e));
		}

		const edits = [
			{ kind: 'stopWork', reason: 'parts' },
			{ kind: 'addItem', description: '更换刹车盘', labourMinutes: 45, extra: true },
			{ kind: 'addPart', partNo: 'DISC-22', name: '刹车盘', quantity: 1, unitPriceFen: 88_000, status: 'toOrder', eta: null }
		];
		const latencies: number[] = [];
		for (const edit of edits) {
			const seenThere = nextEvent(wallTv, 'card:updated', (e) => e.card.id === cardId);
			const seenHere = nextEvent(here, 'card:updated', (e) => e.card.id === cardId);
			const start = performance.now();
			const event = await post(cardId, edit, edit.kind === 'addItem' ? store.users.technician : store.users.advisor);
			const received = await seenThere;
			latencies.push(performance.now() - start);
			expect(received).toEqual(event);
			expect(await seenHere).toEqual(event);
			expect(received).toMatchObject({ type: 'card:updated', kind: edit.kind });
			// committed: the first read after the event sees it
			expect(await viewCard(db.sql, cardId)).toEqual(received.card);
		}
		const last = await viewCard(db.sql, cardId);
		expect(last).toMatchObject({ partsWaiting: true, authorisationPending: true, stopWork: { reason: 'parts' }, version: 4 });

		// the other store then hears its own edit, after anything ours could have sent it: it heard only that
		const theirs = await addCard(db.sql, other, { column: 'inBay' });
		const theirsSeen = otherStore.map((s) => nextEvent(s, 'card:updated'));
		const response = await fetch(`${a.url}/api/stores/${other.slug}/cards/${theirs}/edits`, {
			method: 'POST',
			headers: { cookie: other.users.advisor.cookie, origin: a.url, 'content-type': 'application/json' },
			body: JSON.stringify({ expectedVersion: 1, idempotencyKey: newKey('live-other'), edit: { kind: 'stopWork', reason: 'labour' } })
		});
		expect(response.status).toBe(200);
		await Promise.all(theirsSeen);
		expect(heardByOther.map((e) => e.card.id)).toEqual([theirs, theirs]);
		console.log(`[cards/live] HTTP edit on A → card:updated on B: ${latencies.map((ms) => ms.toFixed(1)).join(', ')} ms`);
	});

	it('the handover reaches the other instance as card:archived', async () => {
		const cardId = await addCard(db.sql, store, { column: 'handover', appointment: true });
		const wallTv = await socket(b.url, store, store.display.cookie);
		await post(cardId, { kind: 'handoverChecks', checks: ['partsShown', 'workExplained', 'recommendationsExplained', 'billExplained', 'vehicleClean', 'keysReturned'] });
		await post(cardId, { kind: 'nextService', on: '2099-05-01', km: 50_000 });
		const seen = nextEvent(wallTv, 'card:archived', (e) => e.card.id === cardId);
		const event = await post(cardId, { kind: 'completeHandover' });
		expect(await seen).toEqual(event);
		expect(event).toMatchObject({ type: 'card:archived', reason: 'handedOver' });
	});
});
