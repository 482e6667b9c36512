/**
 * Where the time of a move goes on the database side, measured in this process with the app's own
 * `moveCard` (no socket, no Redis):
 * - per statement of the move transaction (postgres.js `debug` timestamps each statement as it is
 *   sent; a statement's time is the gap to the next one, the last one's the gap to the result);
 * - the same with `synchronous_commit = off` on the session, to show what the WAL flush costs;
 * - how many moves per second the database takes with N concurrent movers (distinct stores).
 */
import postgres from 'postgres';
import { moveCard } from '../../src/lib/server/board/move';
import type { CardCache } from '../../src/lib/server/board/cardCache';
import type { Column } from '../../src/lib/domain/board';
import { nowMs, round, summarize, type Summary } from './stats';

export interface MovableStore {
	id: number;
	cards: { id: number; column: string; version: number }[];
}

const actor = { userId: null, label: 'bench', source: 'bench dbprofile' };
const label = (q: string) => q.replace(/\s+/g, ' ').trim().slice(0, 60);

export type Mover = (sql: postgres.Sql, store: MovableStore, i: number, tag: string) => Promise<boolean>;

/**
 * a mover that runs `move` (the app's moveCard, or another commit's: BENCH_BEFORE); with `cards`,
 * the cards an instance holds (a card held at its version moves in one round trip)
 */
export const moverOf =
	(move: typeof moveCard, cards?: CardCache): Mover =>
	async (sql, store, i, tag) => {
		const card = store.cards[i % store.cards.length];
		const to = (card.column === 'ready' ? 'confirmed' : 'ready') as Column;
		const r = await move(sql, store.id, { cardId: card.id, to, expectedVersion: card.version, idempotencyKey: `${tag}-${card.id}-${card.version}` }, actor, cards);
		if (r.ok) {
			card.version = r.data.event.card.version;
			card.column = r.data.event.card.column;
		} else if (r.error.card) {
			card.version = r.error.card.version;
			card.column = r.error.card.column;
		}
		return r.ok;
	};

/** the app's own move transaction */
export const appMove: Mover = moverOf(moveCard);

/** the bench-only one-round-trip function of move-function.sql */
export const functionMove: Mover = async (sql, store, i, tag) => {
	const card = store.cards[i % store.cards.length];
	const to = card.column === 'ready' ? 'confirmed' : 'ready';
	const [{ r }] = await sql<{ r: { ok: boolean; event?: { card: { version: number; column: string } }; card?: { version: number; column: string } } }[]>`
		select bench_move_card(${store.id}, ${card.id}, ${to}, ${card.version}, ${`${tag}-${card.id}-${card.version}`},
			${null}, ${actor.label}, ${actor.source}) as r`;
	const now = r.ok ? r.event!.card : r.card;
	if (now) {
		card.version = now.version;
		card.column = now.column;
	}
	return r.ok;
};

export async function profileMove(url: string, store: MovableStore, n: number, synchronousCommit: 'on' | 'off', tag: string, move: Mover = appMove) {
	let marks: { t: number; q: string }[] = [];
	const sql = postgres(url, {
		max: 1,
		onnotice: () => {},
		connection: { TimeZone: 'UTC', application_name: 'workshop-board-bench', synchronous_commit: synchronousCommit },
		debug: (_connection, query) => marks.push({ t: nowMs(), q: label(query) })
	});
	const per = new Map<string, number[]>();
	const total: number[] = [];
	let statements = 0;
	try {
		await sql`select 1`;
		const deadline = nowMs() + 30_000;
		for (let i = 0; i < n && nowMs() < deadline; i++) {
			marks = [];
			const t0 = nowMs();
			await move(sql, store, i, tag);
			const t1 = nowMs();
			if (i < 10) continue; // prepared statements and caches warm up
			total.push(t1 - t0);
			statements = marks.length;
			marks.forEach((m, k) => {
				const end = k + 1 < marks.length ? marks[k + 1].t : t1;
				const list = per.get(m.q) ?? [];
				list.push(end - m.t);
				per.set(m.q, list);
			});
		}
	} finally {
		await sql.end({ timeout: 2 });
	}
	return {
		synchronousCommit,
		moves: total.length,
		statementsPerMove: statements,
		total: summarize(total),
		statements: [...per].map(([q, v]) => ({ statement: q, p50: round(summarize(v).p50, 3), p99: round(summarize(v).p99, 3) }))
	};
}

export async function dbThroughput(
	url: string,
	stores: MovableStore[],
	seconds: number,
	tag: string,
	cpu: { start(): Promise<void>; stop(): Record<string, number> },
	move: Mover = appMove
): Promise<{ movers: number; movesPerSec: number; latency: Summary; cpu: Record<string, number> }> {
	const sql = postgres(url, { max: stores.length, onnotice: () => {}, connection: { TimeZone: 'UTC' } });
	const lat: number[] = [];
	try {
		// open every connection first, so that their backends' CPU is counted while they live
		await Promise.all(stores.map(() => sql`select pg_sleep(0.05)`));
		await cpu.start();
		const end = nowMs() + seconds * 1000;
		const t0 = nowMs();
		await Promise.all(
			stores.map(async (store) => {
				for (let i = 0; nowMs() < end && i < 100_000; i++) {
					const t = nowMs();
					await move(sql, store, i, tag);
					lat.push(nowMs() - t);
				}
			})
		);
		const used = cpu.stop();
		return { movers: stores.length, movesPerSec: round(lat.length / ((nowMs() - t0) / 1000), 0), latency: summarize(lat), cpu: used };
	} finally {
		await sql.end({ timeout: 2 });
	}
}
