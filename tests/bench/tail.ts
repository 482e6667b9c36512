/**
 * Where the move's tail comes from: `moveCard` and the one-round-trip SQL function
 * (move-function.sql) alternating, sequentially, on one database, with the process's GC pauses
 * recorded; prints p50/p90/p99/max of each and how many of each one's slowest 1 % overlapped a GC.
 *
 *   npx tsx tests/bench/tail.ts [n]
 *
 * Creates and drops the database wb_movetail.
 */
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { connect, type Sql } from '../../src/lib/server/db/connect';
import { migrate } from '../../src/lib/server/db/migrate';
import { adminDatabaseUrl, databaseUrl } from '../adminUrl';
import { createFixture } from './fixture';
import { appMove, functionMove, type Mover } from './dbprofile';
import { fmt, summarize } from './stats';

const DB = 'wb_movetail';
const N = Number(process.argv[2] ?? 2000);
const ROOT = path.resolve(import.meta.dirname, '../..');

const gcs: { start: number; end: number }[] = [];
new PerformanceObserver((list) => {
	for (const e of list.getEntries()) gcs.push({ start: e.startTime, end: e.startTime + e.duration });
}).observe({ entryTypes: ['gc'] });

const admin = connect(adminDatabaseUrl, 1);
await admin.unsafe(`drop database if exists ${DB} with (force)`);
await admin.unsafe(`create database ${DB}`);
const pools: Sql[] = [];
try {
	const sql = connect(databaseUrl(DB), 10);
	pools.push(sql);
	await migrate(sql, path.join(ROOT, 'db/migrations'));
	await sql.unsafe(readFileSync(path.join(import.meta.dirname, 'move-function.sql'), 'utf8'));
	const fixture = await createFixture(sql, [0, 1].map((i) => ({ slug: `tail-${i}`, name: `tail${i}`, cards: 100 })));
	const variants: { name: string; move: Mover; store: { id: number; cards: { id: number; version: number; column: string }[] }; runs: { start: number; end: number }[] }[] = [
		{ name: 'moveCard (2 round trips)', move: appMove, store: { id: fixture[0].id, cards: fixture[0].movable.map((c) => ({ ...c })) }, runs: [] },
		{ name: 'SQL function (1 round trip)', move: functionMove, store: { id: fixture[1].id, cards: fixture[1].movable.map((c) => ({ ...c })) }, runs: [] }
	];
	const tag = `tail-${Date.now()}`;
	for (let i = 0; i < 50; i++) for (const v of variants) await v.move(sql, v.store as never, i, `${tag}-w`);
	for (let i = 0; i < N; i++) {
		for (const k of [0, 1]) {
			const v = variants[(i + k) % 2];
			const start = performance.now();
			await v.move(sql, v.store as never, i, `${tag}-s`);
			v.runs.push({ start, end: performance.now() });
		}
	}
	for (const v of variants) {
		const lat = v.runs.map((r) => r.end - r.start);
		const s = summarize(lat);
		const slow = [...v.runs].sort((a, b) => b.end - b.start - (a.end - a.start)).slice(0, Math.ceil(v.runs.length / 100));
		const withGc = slow.filter((r) => gcs.some((g) => g.start < r.end && g.end > r.start)).length;
		console.log(`${v.name}: p50 ${fmt(s.p50)} p90 ${fmt(s.p90)} p99 ${fmt(s.p99)} max ${fmt(s.max)} ms; slowest 1 % (${slow.length}): ${withGc} overlapped a GC; slowest ${slow.slice(0, 5).map((r) => fmt(r.end - r.start)).join(', ')}`);
	}
	const gcMs = gcs.map((g) => g.end - g.start);
	console.log(`GC pauses: ${gcs.length}, p50 ${fmt(summarize(gcMs).p50)} max ${fmt(summarize(gcMs).max)} ms`);
} finally {
	for (const p of pools) await p.end({ timeout: 1 });
	await admin.unsafe(`drop database if exists ${DB} with (force)`);
	await admin.end({ timeout: 1 });
}
