/**
 * G3, G4 and G10 for card edits under real races: several clients (two connection pools, as two
 * instances) edit and move the same cards at once, mixed kinds, with the same expected version.
 * Exactly one wins per version; the others are told versionConflict with the card as it is. After
 * any interleaving the SQL invariants hold: gap-free sequence per store, one audit row per
 * committed change, version = 1 + the card's committed moves and edits, and the flags a card
 * derives (parts waiting, authorisation pending, stopped while pending) equal their source rows.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CardEdit, CardDetail } from '$lib/domain/card';
import { parseEditCommand } from '$lib/domain/cardInput';
import type { Ack, EditResult, MoveResult } from '$lib/realtime/contract';
import { connect, type Sql } from '$lib/server/db/connect';
import { readCardDetail } from '$lib/server/cards/detail';
import { editCard } from '$lib/server/cards/edit';
import { moveCard } from '$lib/server/board/move';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { cleanup } from '../helpers/apps';
import { actorOf, addCard, addCardStore, boardViolations, cardViolations, newKey, viewCard, type CardStore } from './world';

const opened = cleanup();
let db: TestDatabase;
let store: CardStore;
/** two instances' pools */
let pools: Sql[];

beforeAll(async () => {
	db = opened.add(await createTestDatabase(), (d) => d.drop());
	store = await addCardStore(db.sql, { label: 'race' });
	// enough on the shelf that holding a part is never what refuses a race's command
	await db.sql`update parts set on_hand = 100000 where store_id = ${store.id}`;
	pools = [db.sql, opened.add(connect(db.url, 10), (sql) => sql.end({ timeout: 5 }))];
});
afterAll(() => opened.run());

type Command = { kind: 'move'; to: 'prep' | 'ready' } | { kind: 'edit'; edit: CardEdit };
type Answer = Ack<EditResult> | Ack<MoveResult>;

const director = () => actorOf(store.users.director, 'race');

/** what a client might send, picked by `pick`, valid on the card as the client saw it */
function commandFor(seen: CardDetail, pick: number): Command {
	const card = seen.card;
	const pending = seen.items.find((i) => i.authorisation === 'pending');
	const line = seen.parts[pick % Math.max(seen.parts.length, 1)];
	const options: Command[] = [
		{ kind: 'edit', edit: { kind: 'flags', safety: pick % 2 === 0, comeback: pick % 3 === 0, complaint: false, customerWaits: pick % 5 === 0, washDeclined: false } },
		{ kind: 'edit', edit: { kind: 'documents', documents: { workOrder: true, estimate: pick % 2 === 0, partsSlip: pick % 3 === 0 } } },
		{ kind: 'edit', edit: { kind: 'addItem', description: `项目${pick % 100}`, labourMinutes: 5 + (pick % 90), extra: pick % 2 === 0 } },
		{ kind: 'edit', edit: { kind: 'addPart', partNo: pick % 2 ? 'OIL-5W30' : `P-${pick % 7}`, name: '', quantity: 1 + (pick % 3), unitPriceFen: 1_000 * (pick % 9), status: (['toOrder', 'inStock', 'reserved', 'picked'] as const)[pick % 4], eta: null } },
		{ kind: 'edit', edit: { kind: 'assign', team: pick % 2 ? '机电一组' : null, technicianId: pick % 2 ? store.users.technician.userId : store.users.lead.userId, bayId: store.bayIds[pick % 2], advisorId: null } }
	];
	if (pending) {
		options.push({ kind: 'edit', edit: { kind: 'authorise', itemId: pending.id, decision: pick % 2 ? 'approved' : 'declined', via: 'phone' } });
	} else {
		options.push({ kind: 'edit', edit: { kind: 'stopWork', reason: ([null, 'labour', 'parts'] as const)[pick % 3] } });
	}
	if (line) {
		options.push(
			{ kind: 'edit', edit: { kind: 'updatePart', partId: line.id, quantity: line.quantity, unitPriceFen: line.unitPriceFen, status: (['arrived', 'toOrder', 'reserved'] as const)[pick % 3], eta: null } },
			{ kind: 'edit', edit: { kind: 'removePart', partId: line.id } }
		);
	}
	if (card.column === 'ready') options.push({ kind: 'move', to: 'prep' });
	if (card.column === 'prep' && !card.partsWaiting) options.push({ kind: 'move', to: 'ready' });
	return options[Math.floor(pick / 7) % options.length];
}

async function send(pool: Sql, cardId: number, expectedVersion: number, command: Command): Promise<Answer> {
	const idempotencyKey = newKey('race');
	if (command.kind === 'move') {
		return moveCard(pool, store.id, { cardId, to: command.to, expectedVersion, idempotencyKey }, director());
	}
	// as the API takes it: parsed and normalised first
	const parsed = parseEditCommand({ expectedVersion, idempotencyKey, edit: command.edit });
	if (!parsed.ok) throw new Error(`the race sent bad input: ${JSON.stringify(parsed.error)}`);
	return editCard(pool, store.id, cardId, parsed.data, director());
}

const detail = async (cardId: number) => (await readCardDetail(db.sql, store.id, cardId)) as CardDetail;

describe('editing the same card at once', () => {
	it('mixed kinds, one version: exactly one winner, every loser told versionConflict with the card as it is', async () => {
		const cardIds = [await addCard(db.sql, store, { column: 'prep' }), await addCard(db.sql, store, { column: 'ready' })];
		const kinds = new Map<string, number>();
		await fc.assert(
			fc.asyncProperty(
				fc.integer({ min: 2, max: 8 }),
				fc.constantFrom(...cardIds),
				fc.array(fc.nat({ max: 10_000 }), { minLength: 8, maxLength: 8 }),
				async (n, cardId, picks) => {
					const seen = await detail(cardId);
					const commands = picks.slice(0, n).map((pick) => commandFor(seen, pick));
					const answers = await Promise.all(
						commands.map((command, i) => send(pools[i % pools.length], cardId, seen.card.version, command))
					);
					const after = await viewCard(db.sql, cardId);
					const winners = answers.filter((a) => a.ok);
					expect(winners, JSON.stringify({ commands, answers }).slice(0, 2_000)).toHaveLength(1);
					const win = winners[0] as Extract<Answer, { ok: true }>;
					const winner = commands[answers.indexOf(win)];
					const kind = winner.kind === 'move' ? 'move' : winner.edit.kind;
					kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
					expect(win.data.event.card).toEqual(after);
					expect(after.version).toBe(seen.card.version + 1);
					for (const loss of answers.filter((a) => !a.ok)) {
						expect(loss).toMatchObject({ ok: false, error: { code: 'versionConflict', card: after } });
					}
				}
			),
			{ numRuns: 40 }
		);
		console.log(`[cards/concurrency] winners by kind: ${JSON.stringify(Object.fromEntries(kinds))}`);
		expect(await boardViolations(db.sql)).toEqual([]);
		expect(await cardViolations(db.sql, store.id)).toEqual([]);
	});

	it('random batches over several cards, stale screens included: every invariant holds', async () => {
		const cardIds: number[] = [];
		for (let i = 0; i < 3; i++) cardIds.push(await addCard(db.sql, store, { column: i === 2 ? 'ready' : 'prep' }));
		const tally: Record<string, number> = {};
		const step$ = fc.record({ card: fc.nat({ max: cardIds.length - 1 }), pick: fc.nat({ max: 10_000 }), stale: fc.boolean() });
		const run$ = fc.array(fc.array(step$, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 4 });
		await fc.assert(
			fc.asyncProperty(run$, async (batches) => {
				const [{ events: eventsBefore }] = await db.sql<{ events: number }[]>`
					select count(*)::int as events from board_events where store_id = ${store.id}`;
				const initial = new Map<number, CardDetail>();
				for (const id of cardIds) initial.set(id, await detail(id));
				const won: Extract<Answer, { ok: true }>[] = [];
				for (const batch of batches) {
					const now = new Map<number, CardDetail>();
					for (const id of cardIds) now.set(id, await detail(id));
					const answers = await Promise.all(
						batch.map(({ card, pick, stale }, i) => {
							const cardId = cardIds[card];
							const seen = (stale ? initial : now).get(cardId)!;
							return send(pools[i % pools.length], cardId, seen.card.version, commandFor(seen, pick));
						})
					);
					for (const answer of answers) {
						const outcome = answer.ok ? 'ok' : answer.error.code;
						tally[outcome] = (tally[outcome] ?? 0) + 1;
						if (answer.ok) won.push(answer);
					}
					expect(Object.keys(tally).filter((k) => !['ok', 'versionConflict', 'editRefused', 'moveRefused'].includes(k))).toEqual([]);
				}
				// every acknowledged change is the committed event of its seq, and nothing else committed
				const [{ events }] = await db.sql<{ events: number }[]>`
					select count(*)::int as events from board_events where store_id = ${store.id}`;
				expect(events - eventsBefore).toBe(won.length);
				for (const answer of won) {
					const [row] = await db.sql<{ payload: unknown }[]>`
						select payload from board_events where store_id = ${store.id} and seq = ${answer.data.event.seq}`;
					expect(row?.payload).toEqual(answer.data.event);
				}
				const versions = won.map((a) => `${a.data.event.card.id}@${a.data.event.card.version}`);
				expect(new Set(versions).size).toBe(versions.length);
				expect(await boardViolations(db.sql)).toEqual([]);
				expect(await cardViolations(db.sql, store.id)).toEqual([]);
			}),
			{ numRuns: 15 }
		);
		console.log(`[cards/concurrency] random runs: ${JSON.stringify(tally)}`);
		expect(tally.ok).toBeGreaterThan(0);
		expect(tally.versionConflict).toBeGreaterThan(0);
		// per store: the audit rows of committed changes are exactly the events
		const [{ audits, events }] = await db.sql<{ audits: number; events: number }[]>`
			select (select count(*)::int from audit_log where store_id = ${store.id} and seq is not null) as audits,
				(select count(*)::int from board_events where store_id = ${store.id}) as events`;
		expect(audits).toBe(events);
		console.log(`[cards/concurrency] committed changes in the store: ${events}`);
	});
});
