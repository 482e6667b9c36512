/**
 * Two versions of moveCard side by side, in this process, on one database: moves alternate between
 * them (A, B, A, B, …) so that both see the same drifting load of a shared machine. Each version
 * has its own pool (10 connections, as the app's). Sequential moves, then `MOVERS` concurrent
 * movers per version (all at once, each on its own store).
 *
 *   npx tsx tests/bench/movecompare.ts <before-move.ts> [n]
 *
 * <before-move.ts>: the other version of src/lib/server/board/move.ts, e.g. put beside it with
 * `git show <ref>:src/lib/server/board/move.ts > src/lib/server/board/move.before.ts` (its relative
 * imports then resolve to this tree). Creates and drops the database wb_movecmp.
 */
import path from 'node:path';
import { connect, type Sql } from '../../src/lib/server/db/connect';
import { migrate } from '../../src/lib/server/db/migrate';
import { moveCard } from '../../src/lib/server/board/move';
import { adminDatabaseUrl, databaseUrl } from '../adminUrl';
import { createFixture, type FixtureStore } from './fixture';
import { moverOf, type Mover } from './dbprofile';
import { fmt, nowMs, summarize, table } from './stats';

const DB = 'wb_movecmp';
const N = Number(process.argv[3] ?? 1000);
const MOVERS = 8;
const ROOT = path.resolve(import.meta.dirname, '../..');

const before = moverOf((await import(path.resolve(process.argv[2]))).moveCard);
const after = moverOf(moveCard);

const admin = connect(adminDatabaseUrl, 1);
await admin.unsafe(`drop database if exists ${DB} with (force)`);
await admin.unsafe(`create database ${DB}`);
const pools: Sql[] = [];
try {
	const setup = connect(databaseUrl(DB), 2);
	pools.push(setup);
	await migrate(setup, path.join(ROOT, 'db/migrations'));
	const fixture = await createFixture(setup, Array.from({ length: 2 + 2 * MOVERS }, (_, i) => ({ slug: `cmp-${i}`, name: `cmp${i}`, cards: 100 })));
	const store = (s: FixtureStore) => ({ id: s.id, cards: s.movable.map((c) => ({ ...c })) });
	const a = connect(databaseUrl(DB), 10);
	const b = connect(databaseUrl(DB), 10);
	pools.push(a, b);
	const variants: { name: string; sql: Sql; move: Mover; seq: ReturnType<typeof store>; conc: ReturnType<typeof store>[]; lat: number[]; clat: number[] }[] = [
		{ name: 'after (this tree)', sql: a, move: after, seq: store(fixture[0]), conc: fixture.slice(2, 2 + MOVERS).map(store), lat: [], clat: [] },
		{ name: `before (${path.basename(process.argv[2])})`, sql: b, move: before, seq: store(fixture[1]), conc: fixture.slice(2 + MOVERS).map(store), lat: [], clat: [] }
	];
	const tag = `cmp-${Date.now()}`;
	// warm up: prepared statements, connections
	for (let i = 0; i < 30; i++) for (const v of variants) await v.move(v.sql, v.seq, i, `${tag}-w-${v.name}`);
	for (let i = 0; i < N; i++) {
		// each version goes first in turn
		for (const k of [0, 1]) {
			const v = variants[(i + k) % variants.length];
			const t = nowMs();
			await v.move(v.sql, v.seq, i, `${tag}-s-${v.name}`);
			v.lat.push(nowMs() - t);
		}
	}
	// concurrent: every mover of both versions at once, for the same number of moves each
	const rounds = Math.max(50, Math.floor(N / 4));
	await Promise.all(
		variants.flatMap((v) =>
			v.conc.map(async (s, k) => {
				for (let i = 0; i < rounds; i++) {
					const t = nowMs();
					await v.move(v.sql, s, i, `${tag}-c${k}-${v.name}`);
					v.clat.push(nowMs() - t);
				}
			})
		)
	);
	const row = (x: number[]) => {
		const s = summarize(x);
		return [s.n, fmt(s.p50), fmt(s.p90), fmt(s.p99), fmt(s.max)];
	};
	console.log(
		table(
			['version', 'sequential n', 'p50 ms', 'p90', 'p99', 'max', `${MOVERS} movers each, both at once: n`, 'p50 ms', 'p90', 'p99', 'max'],
			variants.map((v) => [v.name, ...row(v.lat), ...row(v.clat)])
		)
	);
} finally {
	for (const p of pools) await p.end({ timeout: 2 });
	await admin.unsafe(`drop database if exists ${DB} with (force)`);
	await admin.end();
}
