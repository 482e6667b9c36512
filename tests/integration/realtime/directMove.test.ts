/**
 * The move's one round trip (move.ts `moveKept`, with cardCache.ts): a card this instance holds at
 * the expected version is checked against the rules here and moved by one statement, which writes
 * only if the card is still that version of that card in that store. These tests hold it to what
 * the read-first way promises (G2, G3, G4): the same rows, the same answers, retries answered with
 * the first result, and a kept card that is no longer the card deciding nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BoardCard } from '$lib/domain/board';
import type { Ack, MoveCommand, MoveResult } from '$lib/realtime/contract';
import { moveCard, type Actor } from '$lib/server/board/move';
import { CardCache } from '$lib/server/board/cardCache';
import { Snapshots } from '$lib/server/board/snapshots';
import { redisUrl } from '../../adminUrl';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { addStore, eventCount, invariantViolations, readCard, type FixtureStore } from '../helpers/boardFixture';
import { cleanup, startApp } from '../helpers/apps';
import { connectSocket, move, nextEvent, until } from '../helpers/clients';
import { requireRedis } from '../helpers/processes';
import { addCard, addCardStore, edited } from '../cards/world';

const opened = cleanup();
let db: TestDatabase;
let north: FixtureStore;
let south: FixtureStore;
let keys = 0;
const key = () => `direct-${++keys}-${Date.now()}`;
const actor: Actor = { userId: null, label: '测试顾问', source: 'test direct' };

beforeAll(async () => {
	await requireRedis(redisUrl);
	db = opened.add(await createTestDatabase(), (d) => d.drop());
	north = await addStore(db.sql, { cards: 8, column: 'ready', label: 'north' });
	south = await addStore(db.sql, { cards: 2, column: 'ready', label: 'south' });
});
afterAll(() => opened.run());

/** a cache that has read the store's board, as an instance's does once a screen loaded it */
async function warmCache(storeId: number) {
	const cards = new CardCache();
	await new Snapshots(db.sql, cards).read(storeId);
	return cards;
}

const ok = (ack: Ack<MoveResult>) => {
	if (!ack.ok) throw new Error(`move refused: ${JSON.stringify(ack.error)}`);
	return ack.data;
};

/** what two cards of the fixture share once the fields that tell them apart are set aside */
const face = (card: BoardCard) => ({ ...card, id: 0, plate: '', customerName: '', dueAt: '', columnEnteredAt: '' });

async function rowsOf(storeId: number, seq: number) {
	const [event] = await db.sql<{ payload: unknown }[]>`
		select payload from board_events where store_id = ${storeId} and seq = ${seq}`;
	const audit = await db.sql<{ action: string; detail: unknown; actor_label: string }[]>`
		select action, detail, actor_label from audit_log where store_id = ${storeId} and seq = ${seq}`;
	return { event: event?.payload, audit };
}

describe('a kept card at the expected version', () => {
	it('moves in one round trip and writes what the read-first way writes', async () => {
		const cards = await warmCache(north.id);
		const [a, b] = north.cardIds;
		expect(cards.at(a, 1)).toBeDefined();

		const commandA: MoveCommand = { cardId: a, to: 'confirmed', expectedVersion: 1, idempotencyKey: key() };
		const direct = ok(await moveCard(db.sql, north.id, commandA, actor, cards));
		expect(cards.moves).toEqual({ direct: 1, read: 0 });
		const read = ok(await moveCard(db.sql, north.id, { ...commandA, cardId: b, idempotencyKey: key() }, actor));

		expect(direct.replayed).toBe(false);
		expect(direct.event.card).toEqual(await readCard(db.sql, a));
		expect(direct.event.card.version).toBe(2);
		expect(read.event.seq).toBe(direct.event.seq + 1);
		expect(face(direct.event.card)).toEqual(face(read.event.card));
		expect(direct.event.at).toBe(direct.event.card.columnEnteredAt);
		expect({ ...direct.event, seq: 0, card: null, at: '' }).toEqual({ ...read.event, seq: 0, card: null, at: '' });

		const rowsDirect = await rowsOf(north.id, direct.event.seq);
		const rowsRead = await rowsOf(north.id, read.event.seq);
		expect(rowsDirect.event).toEqual(direct.event);
		expect(rowsRead.event).toEqual(read.event);
		expect(rowsDirect.audit).toEqual(rowsRead.audit);
		expect(rowsDirect.audit).toEqual([
			{ action: 'card.move', detail: { from: 'ready', to: 'confirmed', version: 2, rework: false }, actor_label: '测试顾问' }
		]);
		const [result] = await db.sql<{ result: unknown }[]>`
			select result from command_results where store_id = ${north.id} and idempotency_key = ${commandA.idempotencyKey}`;
		expect(result.result).toEqual(direct.event);
		// the cache holds the card as moved: the next move of it is one round trip too
		expect(cards.at(a, 2)).toEqual(direct.event.card);
		ok(await moveCard(db.sql, north.id, { cardId: a, to: 'ready', expectedVersion: 2, idempotencyKey: key() }, actor, cards));
		expect(cards.moves).toEqual({ direct: 2, read: 0 });
		expect(await invariantViolations(db.sql)).toEqual([]);
	});

	it('sent back from QC: counts the rework and starts QC over, as the read-first way does', async () => {
		// a card in QC whose self and lead checks passed, the way the card page records them
		const qcStore = await addCardStore(db.sql, { label: 'direct-qc' });
		const c = await addCard(db.sql, qcStore, { column: 'qc' });
		await edited(db.sql, qcStore, c, { kind: 'qcCheck', stage: 'self', passed: true, reason: null }, qcStore.users.technician);
		await edited(db.sql, qcStore, c, { kind: 'qcCheck', stage: 'lead', passed: true, reason: null }, qcStore.users.lead);
		const cards = new CardCache();
		const before = await readCard(db.sql, c);
		cards.see(before);
		const moved = ok(
			await moveCard(db.sql, qcStore.id, { cardId: c, to: 'inBay', expectedVersion: before.version, idempotencyKey: key() }, actor, cards)
		);
		expect(cards.moves.direct).toBe(1);
		expect(moved.event.card).toEqual(await readCard(db.sql, c));
		expect(moved.event.card.reworkCount).toBe(before.reworkCount + 1);
		expect(moved.event.card.qc).toEqual({ self: false, lead: false, final: false });
		const [row] = await db.sql<{ qcSelfBy: number | null }[]>`select qc_self_by as "qcSelfBy" from cards where id = ${c}`;
		expect(row.qcSelfBy).toBeNull();
		expect(before.qc).toEqual({ self: true, lead: true, final: false });
		const { audit } = await rowsOf(qcStore.id, moved.event.seq);
		expect(audit[0].detail).toEqual({ from: 'qc', to: 'inBay', version: before.version + 1, rework: true });
	});
});

describe('a kept card that is no longer the card decides nothing', () => {
	it('moved elsewhere: the answer is the conflict with the card as the database has it', async () => {
		const [, , , d] = north.cardIds;
		const cards = await warmCache(north.id);
		const current = await readCard(db.sql, d);
		// another instance moves it; this cache is not told
		ok(await moveCard(db.sql, north.id, { cardId: d, to: 'confirmed', expectedVersion: current.version, idempotencyKey: key() }, actor));
		const stale = await moveCard(db.sql, north.id, { cardId: d, to: 'confirmed', expectedVersion: current.version, idempotencyKey: key() }, actor, cards);
		expect(stale.ok).toBe(false);
		if (stale.ok) return;
		expect(stale.error.code).toBe('versionConflict');
		expect(stale.error.card).toEqual(await readCard(db.sql, d));
		expect(cards.moves).toEqual({ direct: 0, read: 1 });
		// and it learned the card from that answer
		expect(cards.at(d, current.version + 1)).toEqual(await readCard(db.sql, d));
	});

	it('renamed behind its back (no new version): the event carries the names the database has', async () => {
		const [, , , , e] = north.cardIds;
		const cards = await warmCache(north.id);
		const before = await readCard(db.sql, e);
		await db.sql`update customers set surname = '李', title = '女士' where id = (select customer_id from cards where id = ${e})`;
		await db.sql`update vehicles set plate = '沪B99999' where id = (select vehicle_id from cards where id = ${e})`;
		const moved = ok(await moveCard(db.sql, north.id, { cardId: e, to: 'confirmed', expectedVersion: before.version, idempotencyKey: key() }, actor, cards));
		expect(cards.moves.direct).toBe(1);
		expect(moved.event.card.customerName).toBe('李女士');
		expect(moved.event.card.plate).toBe('沪B99999');
		expect(moved.event.card).toEqual(await readCard(db.sql, e));
	});

	it('archived behind its back: not found, nothing written', async () => {
		const [, , , , , f] = north.cardIds;
		const cards = await warmCache(north.id);
		const before = await readCard(db.sql, f);
		await db.sql`update cards set archived_at = now() where id = ${f}`;
		const events = await eventCount(db.sql, north.id);
		const ack = await moveCard(db.sql, north.id, { cardId: f, to: 'confirmed', expectedVersion: before.version, idempotencyKey: key() }, actor, cards);
		expect(ack.ok).toBe(false);
		if (!ack.ok) expect(ack.error.code).toBe('cardNotFound');
		expect(await eventCount(db.sql, north.id)).toBe(events);
		await db.sql`update cards set archived_at = null where id = ${f}`;
	});

	it("another store's card, kept here: that store's advisor is told not found, and nothing of the card", async () => {
		const cards = await warmCache(south.id);
		const [s] = south.cardIds;
		const theirs = await readCard(db.sql, s);
		const events = await eventCount(db.sql);
		for (const to of ['confirmed', 'handover'] as const) {
			const ack = await moveCard(db.sql, north.id, { cardId: s, to, expectedVersion: theirs.version, idempotencyKey: key() }, actor, cards);
			expect(ack).toEqual({ ok: false, error: { code: 'cardNotFound', message: `card ${s} is not on this board` } });
		}
		expect(await readCard(db.sql, s)).toEqual(theirs);
		expect(await eventCount(db.sql)).toBe(events);
	});

	it('a kept card the rules refuse: the refusal rests on the card as the database has it', async () => {
		const [, , , , , , g] = north.cardIds;
		const cards = await warmCache(north.id);
		const card = await readCard(db.sql, g);
		const ack = await moveCard(db.sql, north.id, { cardId: g, to: 'handover', expectedVersion: card.version, idempotencyKey: key() }, actor, cards);
		expect(ack.ok).toBe(false);
		if (ack.ok) return;
		expect(ack.error).toMatchObject({ code: 'moveRefused', reason: 'skipsSteps', card });
		expect(cards.moves).toEqual({ direct: 0, read: 1 });
	});
});

describe('retries of a one-round-trip move', () => {
	it('get the first result, whichever way they take, even racing it', async () => {
		const [, , , , , , , h] = north.cardIds;
		const before = await eventCount(db.sql, north.id);
		let firstResults = 0;
		for (let round = 0; round < 20; round++) {
			const card = await readCard(db.sql, h);
			const command: MoveCommand = {
				cardId: h,
				to: card.column === 'ready' ? 'confirmed' : 'ready',
				expectedVersion: card.version,
				idempotencyKey: key()
			};
			const [one, two] = [new CardCache(), new CardCache()];
			one.see(card);
			two.see(card);
			// two instances that hold the card, and one that reads it first, at once
			const acks = (
				await Promise.all([
					moveCard(db.sql, north.id, command, actor, one),
					moveCard(db.sql, north.id, command, actor),
					moveCard(db.sql, north.id, command, actor, two)
				])
			).map(ok);
			expect(acks.filter((a) => !a.replayed)).toHaveLength(1);
			firstResults++;
			for (const a of acks) expect(a.event).toEqual(acks.find((x) => !x.replayed)!.event);
			// and later, from a cache that moved on and from one that did not
			const again = ok(await moveCard(db.sql, north.id, command, actor, one));
			expect(again).toEqual({ event: acks[0].event, replayed: true });
		}
		expect(await eventCount(db.sql, north.id)).toBe(before + firstResults);
		expect(await invariantViolations(db.sql)).toEqual([]);
	});
});

describe('two instances', () => {
	it('each learns the other one\'s moves through Redis, and moves the card in one round trip', async () => {
		const a = opened.add(await startApp({ name: 'inst-a', databaseUrl: db.url, redisUrl }), (app) => app.close());
		const b = opened.add(await startApp({ name: 'inst-b', databaseUrl: db.url, redisUrl }), (app) => app.close());
		const onA = opened.add(await connectSocket(a.url, north), (s) => s.close());
		const onB = opened.add(await connectSocket(b.url, north), (s) => s.close());
		const [id] = north.cardIds;
		let card = await readCard(db.sql, id);

		for (const [i, [from, other]] of [[onA, onB], [onB, onA], [onA, onB], [onB, onA]].entries()) {
			const heard = nextEvent(other, 'card:moved');
			const ack = await move(from, { cardId: id, to: card.column === 'ready' ? 'confirmed' : 'ready', expectedVersion: card.version, idempotencyKey: key() });
			card = ok(ack).event.card;
			expect((await heard).card).toEqual(card);
			// the instance that did not move it holds it at its new version
			const there = from === onA ? b : a;
			await until(() => there.realtime.cards.at(id, card.version) !== undefined, 'the other instance holds the moved card', 2_000);
			if (i === 0) expect(a.realtime.cards.moves).toEqual({ direct: 0, read: 1 });
		}
		// after the first move, which A had to read, every move was one round trip
		expect(a.realtime.cards.moves).toEqual({ direct: 1, read: 1 });
		expect(b.realtime.cards.moves).toEqual({ direct: 2, read: 0 });
		expect(card).toEqual(await readCard(db.sql, id));
	});
});
