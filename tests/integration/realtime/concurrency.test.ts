/**
 * G3 and G4 under real races: many screens on two instances move the same cards at once. Each race
 * has exactly one winner, the losers are told with the card as it really is, and whatever the
 * interleaving, the database keeps its invariants (one column per card, gapless commit-ordered
 * sequence numbers, one audit row per event, version = 1 + number of moves).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLUMNS, type BoardCard, type Column } from '$lib/domain/board';
import { checkMove } from '$lib/domain/transitions';
import type { Ack, MoveResult } from '$lib/realtime/contract';
import { redisUrl } from '../../adminUrl';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { addStore, invariantViolations, readCard, type FixtureStore } from '../helpers/boardFixture';
import { cleanup, startApp, type App } from '../helpers/apps';
import { connectSocket, move, type BoardSocket } from '../helpers/clients';
import { requireRedis } from '../helpers/processes';

const opened = cleanup();
let db: TestDatabase;
let store: FixtureStore;
const screens: BoardSocket[] = [];
const apps: App[] = [];
let keys = 0;
const nextKey = () => `race-${++keys}-${Date.now()}`;

beforeAll(async () => {
	await requireRedis(redisUrl);
	db = opened.add(await createTestDatabase(), (d) => d.drop());
	store = await addStore(db.sql, { cards: 6 });
	for (const name of ['inst-a', 'inst-b']) {
		// the races send far faster than a person; the per-socket rate limit has its own test
		const rateLimit = { perSecond: 10_000, burst: 10_000 };
		apps.push(opened.add(await startApp({ name, databaseUrl: db.url, redisUrl, rateLimit }), (app) => app.close()));
	}
	for (let i = 0; i < 8; i++) {
		screens.push(opened.add(await connectSocket(apps[i % 2].url, store), (s) => s.close()));
	}
});
afterAll(() => opened.run());

/**
 * The columns a card may go to from where it is (the flow's own rule), kept to the front of the
 * board, where cards can go back and forth for ever: prep ⇄ ready ⇄ confirmed.
 */
const CYCLE: Column[] = ['prep', 'ready', 'confirmed'];
const legalTargets = (card: BoardCard): Column[] => CYCLE.filter((to) => checkMove(card, to).ok);

type Failure = Extract<Ack<MoveResult>, { ok: false }>;

describe('moving the same card at once', () => {
	it('has exactly one winner; every loser gets versionConflict with the card as it is now', async () => {
		const cardIds = store.cardIds.slice(0, 2);
		await fc.assert(
			fc.asyncProperty(
				fc.integer({ min: 2, max: 8 }),
				fc.constantFrom(...cardIds),
				fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
				async (n, cardId, picks) => {
					const before = await readCard(db.sql, cardId);
					const targets = legalTargets(before);
					const acks = await Promise.all(
						screens.slice(0, n).map((screen, i) =>
							move(screen, {
								cardId,
								to: targets[picks[i] % targets.length],
								expectedVersion: before.version,
								idempotencyKey: nextKey()
							})
						)
					);
					const after = await readCard(db.sql, cardId);
					const winners = acks.filter((ack) => ack.ok);
					expect(winners, JSON.stringify(acks)).toHaveLength(1);
					const win = winners[0] as Extract<Ack<MoveResult>, { ok: true }>;
					expect(win.data.event.card).toEqual(after);
					expect(after.version).toBe(before.version + 1);
					for (const loss of acks.filter((ack) => !ack.ok) as Failure[]) {
						expect(loss.error.code).toBe('versionConflict');
						expect(loss.error.card).toEqual(after);
					}
				}
			),
			{ numRuns: 25 }
		);
		expect(await invariantViolations(db.sql)).toEqual([]);
	});

	it('keeps every invariant after random runs of concurrent moves over several cards', async () => {
		const cardIds = store.cardIds.slice(2);
		const move$ = fc.record({
			screen: fc.nat({ max: screens.length - 1 }),
			card: fc.nat({ max: cardIds.length - 1 }),
			pick: fc.nat(),
			// an out-of-date screen sends the version it showed a while ago
			stale: fc.boolean()
		});
		// a run: batches of moves sent all at once, one batch after another
		const run$ = fc.array(fc.array(move$, { minLength: 1, maxLength: 10 }), { minLength: 1, maxLength: 5 });
		const outcome = { ok: 0, versionConflict: 0, moveRefused: 0, other: [] as string[] };
		await fc.assert(
			fc.asyncProperty(run$, async (batches) => {
				// each screen's view of each card: what it last heard in an ack
				const views = new Map<string, BoardCard>();
				const initial = new Map<number, BoardCard>();
				for (const id of cardIds) initial.set(id, await readCard(db.sql, id));
				const view = (screen: number, cardId: number) => views.get(`${screen}:${cardId}`) ?? initial.get(cardId)!;
				const won: Extract<Ack<MoveResult>, { ok: true }>[] = [];
				for (const batch of batches) {
					const acks = await Promise.all(
						batch.map(async ({ screen, card, pick, stale }) => {
							const cardId = cardIds[card];
							const seen = stale ? initial.get(cardId)! : view(screen, cardId);
							const targets = COLUMNS.filter((c) => c !== seen.column);
							const legal = legalTargets(seen);
							const to = legal.length && pick % 4 ? legal[pick % legal.length] : targets[pick % targets.length];
							const ack = await move(screens[screen], {
								cardId,
								to,
								expectedVersion: seen.version,
								idempotencyKey: nextKey()
							});
							if (ack.ok) views.set(`${screen}:${cardId}`, ack.data.event.card);
							else if (ack.error.card) views.set(`${screen}:${cardId}`, ack.error.card);
							return ack;
						})
					);
					for (const ack of acks) {
						if (ack.ok) {
							outcome.ok++;
							won.push(ack);
						} else if (ack.error.code === 'versionConflict') outcome.versionConflict++;
						else if (ack.error.code === 'moveRefused') outcome.moveRefused++;
						else outcome.other.push(ack.error.code);
					}
				}
				expect(outcome.other).toEqual([]);
				expect(await invariantViolations(db.sql)).toEqual([]);
				// every acknowledged move is exactly the committed event of its seq
				for (const ack of won) {
					const [row] = await db.sql<{ payload: unknown }[]>`
						select payload from board_events where store_id = ${store.id} and seq = ${ack.data.event.seq}`;
					expect(row?.payload).toEqual(ack.data.event);
				}
				// no two acknowledged moves produced the same version of one card
				const versions = won.map((a) => `${a.data.event.card.id}@${a.data.event.card.version}`);
				expect(new Set(versions).size).toBe(versions.length);
			}),
			{ numRuns: 12 }
		);
		const ways = apps.map((app) => app.realtime.cards.moves);
		console.log(`[concurrency] random runs: ${JSON.stringify(outcome)}; moves by way, per instance: ${JSON.stringify(ways)}`);
		expect(outcome.ok).toBeGreaterThan(0);
		// both ways of moving raced here: the kept card's one round trip, and the read first
		for (const way of ways) {
			expect(way.direct).toBeGreaterThan(0);
			expect(way.read).toBeGreaterThan(0);
		}
		expect(outcome.versionConflict).toBeGreaterThan(0);
	});
});
