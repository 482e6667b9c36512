/**
 * The realtime and page benchmark of the workshop board (prints figures; not a pass/fail test run).
 *
 *   npm run bench                       # = tsx tests/bench/run.ts, about 5–8 minutes
 *   BENCH_QUICK=1 npm run bench         # shorter phases, for checking the script itself
 *   BENCH_REUSE_BUILD=1 npm run bench   # serve the existing build/ instead of building a snapshot
 *
 * What it starts (loopback only; every process recorded by PID and stopped by PID at the end):
 * a database `wb_bench` on DATABASE_URL's server (default postgres://postgres@127.0.0.1:5432),
 * dropped at the end; its own redis-server on a free port (or REDIS_URL); a snapshot of the source
 * tree, built once, so that others rebuilding build/ meanwhile cannot pull files from under the
 * running instances; two app instances (src/server/start.ts, production entry) sharing broadcasts
 * through Redis, and a third, fresh one for the memory figure; a bare Socket.IO baseline server;
 * child processes that hold the simulated screens; Chromium through Playwright.
 *
 * Latency is measured on one clock (CLOCK_MONOTONIC, shared by every process of the machine): the
 * advisor notes the time just before it emits `card:move`; each screen notes the arrival of
 * `card:moved`; the two are joined on (card id, card version), unique because each card is moved by
 * one advisor at a time with the right expectedVersion.
 *
 * Results: a table on stdout, the same as JSON in /tmp/bench-result.json.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { loadavg, cpus, totalmem } from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { execFileSync } from 'node:child_process';
import { gzipSync, brotliCompressSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { connect, type Sql } from '../../src/lib/server/db/connect';
import { migrate } from '../../src/lib/server/db/migrate';
import * as boardDb from '../../src/lib/server/db/board';
import { moveCard } from '../../src/lib/server/board/move';
import { CardCache } from '../../src/lib/server/board/cardCache';
import { FIRST_CARDS } from '../../src/lib/domain/firstScreen';
import { Snapshots } from '../../src/lib/server/board/snapshots';
import { adminDatabaseUrl, databaseUrl } from '../adminUrl';
import { createBenchSession, createFixture, type FixtureStore } from './fixture';
import { ask, cpuBetween, cpuByPid, cpuSeconds, machineJiffies, forkTs, freePort, rssBytes, startProcess, startedPids, stopAll, type Proc } from './procs';
import { fmt, nowMs, round, sleep, summarize, table, type Summary } from './stats';
import { launch, measureLoads, measureRemoteMoves, profileColdLoad } from './browser';
import { dbThroughput, functionMove, moverOf, profileMove, type MovableStore } from './dbprofile';
import { Inspector } from './cpuprofile';
import { appAuth, appSocketHeaders, openSocket, requestPage, useSession } from './clients';
import { runSoak, soakReport } from './soak';

const ROOT = path.resolve(import.meta.dirname, '../..');
const QUICK = process.env.BENCH_QUICK === '1';
const DB_NAME = 'wb_bench';
const RESULT_FILE = '/tmp/bench-result.json';
const WORK = `/tmp/wb-bench-${process.pid}`;
const RUN = randomBytes(3).toString('hex');
const WATCHDOG_MS = 14 * 60_000;

// ---- sizes (the brief's) -------------------------------------------------------------------
const LAT_STORES = 20;
const LAT_SCREENS_PER_STORE = 25; // 500 screens, advisors included
const LAT_RATE = 50;
const LAT_ROUNDS = QUICK ? 1 : 5; // baseline, app, baseline, app, …: interleaved against drifting load
const LAT_WARMUP_MS = 2_000;
const LAT_MEASURE_MS = QUICK ? 5_000 : 10_000;
const TP_STORES = 80;
const TP_SCREENS_PER_STORE = 25; // 2,000 screens
const TP_ADVISORS_PER_STORE = 2;
const TP_STEPS = QUICK ? [50, 200, 800] : [50, 100, 200, 400, 800, 1600];
const TP_WARMUP_MS = 1_500;
const TP_MEASURE_MS = QUICK ? 4_000 : 8_000;
const MEM_SCREENS = QUICK ? 2_000 : 5_000;
const RENDER_WARMUP = 20;
/** board:sync { full: true } round trips measured after the render (the rest of the board) */
const FIRST_SYNCS = 30;
const RENDER_REQUESTS = 200;
const BIG_CARDS = 500;
/** BENCH_LOADS: cold loads of the board in Chromium (each side, with BENCH_BEFORE) */
const BROWSER_LOADS = Number(process.env.BENCH_LOADS) || (QUICK ? 4 : 20);
const REMOTE_MOVES = QUICK ? 20 : 200; // a p99 of 60 was the slowest one or two: one stray frame decided it
const WORKERS = 2;
/** BENCH_PHASES=render,browser (for instance) runs only those phases; default: all */
const ALL_PHASES = ['latency', 'db', 'throughput', 'render', 'browser', 'soak', 'memory'];
const PHASES = new Set((process.env.BENCH_PHASES ?? ALL_PHASES.join(',')).split(',').map((x) => x.trim()));
const want = (phase: string) => PHASES.has(phase);
/** BENCH_CPU_PROF=1: CPU profiles of inst-a over phase 1's app round, the 200/s step and the render loop (distorts the figures a little) */
const PROFILE = process.env.BENCH_CPU_PROF === '1';
const PROFILE_DIR = '/tmp/bench-cpuprof';
/**
 * BENCH_BEFORE=<git ref>: the same run also builds that commit of this repository and starts two
 * instances of it (before-a, before-b, same database and Redis), and the phases `latency`, `db` and
 * `browser` measure it side by side with the working tree: latency rounds go baseline, before, app,
 * each on its own 20 stores; the browser's cold loads alternate between the two.
 */
const BEFORE = process.env.BENCH_BEFORE?.trim() || undefined;

const log = (line: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);

type Loads = Awaited<ReturnType<typeof measureLoads>>[number];

// ---- the screens' and advisors' side --------------------------------------------------------

interface Endpoint {
	name: string;
	/** receipts of screens on this endpoint are tagged with it */
	tag: number;
	url: string;
	/** the handshake auth a screen of `slug` sends */
	auth: (slug: string) => Record<string, unknown>;
	headers?: Record<string, string>;
}

interface MovableCard {
	id: number;
	column: string;
	version: number;
}

interface AdvisorStore {
	slug: string;
	sockets: { socket: Socket; tag: number }[];
	rr: number;
	idle: MovableCard[];
	/** every socket of this store (screens and advisors): how many receipts one move should yield */
	screens: number;
}

interface Send {
	t: number;
	store: number;
	tag: number;
	inWindow: boolean;
	ackT?: number;
	ok?: boolean;
}

/** The advisors: real socket.io clients in this process that move cards at a steady rate. */
class Advisors {
	stores: AdvisorStore[] = [];
	sends = new Map<number, Send>();
	own = { cardIds: [] as number[], versions: [] as number[], times: [] as number[], tags: [] as number[] };
	inflight = 0;

	static key(cardId: number, version: number) {
		return cardId * 1_048_576 + version;
	}

	async connect(stores: { slug: string; cards: MovableCard[]; screens: number }[], endpoints: Endpoint[], perStore: number) {
		const jobs: Promise<void>[] = [];
		for (const [s, st] of stores.entries()) {
			const store: AdvisorStore = { slug: st.slug, sockets: [], rr: 0, idle: st.cards.map((c) => ({ ...c })), screens: st.screens };
			this.stores.push(store);
			for (let k = 0; k < perStore; k++) {
				const ep = endpoints[(s + k) % endpoints.length];
				jobs.push(
					this.open(ep, st.slug).then((socket) => {
						store.sockets.push({ socket, tag: ep.tag });
					})
				);
			}
		}
		await Promise.all(jobs);
	}

	private open(ep: Endpoint, slug: string): Promise<Socket> {
		return new Promise((resolve, reject) => {
			// an advisor's screen loaded its board before it moves a card: its first sync (the whole
			// board) comes with the handshake, as the board page's does; the baseline has no board
			const loadsBoard = ep.tag !== 2;
			const auth = loadsBoard ? { ...ep.auth(slug), sync: { since: 0, full: true, sparse: true } } : ep.auth(slug);
			const socket = openSocket(ep.url, auth, ep.headers, 20_000);
			socket.on('card:moved', (event: { card: { id: number; version: number } }) => {
				const t = nowMs();
				this.own.cardIds.push(event.card.id);
				this.own.versions.push(event.card.version);
				this.own.times.push(t);
				this.own.tags.push(ep.tag);
			});
			if (loadsBoard) socket.once('board:synced', () => resolve(socket));
			else socket.once('connect', () => resolve(socket));
			socket.once('connect_error', (e) => reject(new Error(`advisor on ${ep.name}: ${e.message}`)));
		});
	}

	/** Sends one move of `store`; false when all its movable cards are in flight. */
	send(storeIndex: number, windowStart: number, errors: Map<string, number>, ackLat: number[]): boolean {
		const store = this.stores[storeIndex];
		const card = store.idle.shift();
		if (!card) return false;
		const { socket, tag } = store.sockets[store.rr++ % store.sockets.length];
		const to = card.column === 'ready' ? 'confirmed' : 'ready';
		const key = Advisors.key(card.id, card.version + 1);
		const t = nowMs();
		const send: Send = { t, store: storeIndex, tag, inWindow: t >= windowStart };
		this.sends.set(key, send);
		this.inflight++;
		socket
			.timeout(15_000)
			.emit(
				'card:move',
				{ cardId: card.id, to, expectedVersion: card.version, idempotencyKey: `bench-${RUN}-${card.id}-${card.version}` },
				(err: Error | null, result: { ok: boolean; data?: { event: { card: MovableCard } }; error?: { code: string; card?: MovableCard } }) => {
					this.inflight--;
					send.ackT = nowMs();
					if (err) {
						bump(errors, 'ackTimeout');
						// the card's state is unknown now: leave it out of the pool
						return;
					}
					if (result.ok && result.data) {
						send.ok = true;
						if (send.inWindow) ackLat.push(send.ackT - t);
						card.version = result.data.event.card.version;
						card.column = result.data.event.card.column;
					} else {
						bump(errors, result.error?.code ?? 'unknown');
						if (result.error?.card) {
							card.version = result.error.card.version;
							card.column = result.error.card.column;
						}
					}
					store.idle.push(card);
				}
			);
		return true;
	}

	takeOwnReceipts() {
		const r = this.own;
		this.own = { cardIds: [], versions: [], times: [], tags: [] };
		return r;
	}

	close() {
		for (const s of this.stores) for (const { socket } of s.sockets) socket.disconnect();
		this.stores = [];
	}
}

const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

/** the PIDs of the Postgres backends serving the bench database (the app instances' pools among them) */
let benchBackends: () => Promise<number[]> = async () => [];

interface LoadResult {
	target: number;
	sentInWindow: number;
	committedInWindow: number;
	committedPerSec: number;
	skippedNoIdleCard: number;
	errors: Record<string, number>;
	ack: Summary;
	latency: Summary;
	/** latency of screens on the advisor's own instance vs on the other one (the Redis hop) */
	sameInstance?: Summary;
	otherInstance?: Summary;
	delivered: number;
	expected: number;
	cpu: Record<string, number>;
	/** for throughput steps: 1, or 2 when the step was run again after missing its mark */
	attempt?: number;
	/** raw samples, for pooling rounds; left out of the JSON */
	raw: { lat: number[]; ack: number[] };
}

/**
 * Moves cards at `rate` moves/s (open loop, spread round-robin over the stores) for warmup+measure;
 * then waits for the stragglers and joins the screens' receipts with the sends of the window.
 */
async function runLoad(
	advisors: Advisors,
	workers: Proc[],
	rate: number,
	warmupMs: number,
	measureMs: number,
	cpuOf: Record<string, number | undefined>
): Promise<LoadResult> {
	// drop what screens received before this run
	for (const w of workers) await ask(w, { cmd: 'collect' });
	advisors.takeOwnReceipts();
	advisors.sends.clear();
	const errors = new Map<string, number>();
	const ackLat: number[] = [];
	const cpu0 = Object.fromEntries(Object.entries(cpuOf).map(([k, pid]) => [k, pid ? cpuSeconds(pid) : NaN]));
	const pg0 = cpuByPid(await benchBackends());
	const m0 = machineJiffies();

	const start = nowMs();
	const windowStart = start + warmupMs;
	const end = windowStart + measureMs;
	let sent = 0;
	let storeTurn = 0;
	let skipped = 0;
	const nStores = advisors.stores.length;
	while (nowMs() < end) {
		const due = Math.floor(((nowMs() - start) / 1000) * rate);
		let budget = 5_000; // bounded per tick
		while (sent < due && budget-- > 0) {
			let ok = false;
			for (let tries = 0; tries < nStores && !ok; tries++) {
				ok = advisors.send(storeTurn++ % nStores, windowStart, errors, ackLat);
			}
			if (!ok) skipped++;
			sent++;
		}
		await sleep(1);
	}
	const cpuWall = (nowMs() - start) / 1000;
	const cpu = Object.fromEntries(
		Object.entries(cpuOf).map(([k, pid]) => [k, pid ? round((100 * (cpuSeconds(pid) - cpu0[k])) / cpuWall, 0) : NaN])
	);
	// postgres: the backends of the bench database; machine: busy share of all cores, whoever uses them
	cpu.postgres = round((100 * cpuBetween(pg0, cpuByPid([...pg0.keys()]))) / cpuWall, 0);
	const m1 = machineJiffies();
	cpu.machine = round((100 * (m1.busy - m0.busy)) / Math.max(1, m1.total - m0.total), 0);
	// stragglers: wait for the acks (bounded), then for the last broadcasts
	const drainUntil = nowMs() + 15_000;
	while (advisors.inflight > 0 && nowMs() < drainUntil) await sleep(20);
	await sleep(1_000);

	const windowMoves = new Map<number, Send>();
	for (const [k, s] of advisors.sends) if (s.inWindow && s.ok) windowMoves.set(k, s);
	let sentInWindow = 0;
	for (const s of advisors.sends.values()) if (s.inWindow) sentInWindow++;

	const lat: number[] = [];
	const same: number[] = [];
	const other: number[] = [];
	let delivered = 0;
	const join = (cardIds: ArrayLike<number>, versions: ArrayLike<number>, times: ArrayLike<number>, tags: ArrayLike<number>) => {
		for (let i = 0; i < cardIds.length; i++) {
			const s = windowMoves.get(Advisors.key(cardIds[i], versions[i]));
			if (!s) continue;
			delivered++;
			const d = times[i] - s.t;
			lat.push(d);
			(tags[i] === s.tag ? same : other).push(d);
		}
	};
	for (const w of workers) {
		const r = await ask<{ cardIds: Float64Array; versions: Float64Array; times: Float64Array; tags: Float64Array }>(w, { cmd: 'collect' });
		join(r.cardIds, r.versions, r.times, r.tags);
	}
	const own = advisors.takeOwnReceipts();
	join(own.cardIds, own.versions, own.times, own.tags);
	let expected = 0;
	for (const s of windowMoves.values()) expected += advisors.stores[s.store].screens;

	return {
		target: rate,
		sentInWindow,
		committedInWindow: windowMoves.size,
		committedPerSec: round(windowMoves.size / (measureMs / 1000), 1),
		skippedNoIdleCard: skipped,
		errors: Object.fromEntries(errors),
		ack: summarize(ackLat),
		latency: summarize(lat),
		sameInstance: same.length ? summarize(same) : undefined,
		otherInstance: other.length ? summarize(other) : undefined,
		delivered,
		expected,
		cpu,
		raw: { lat, ack: ackLat }
	};
}

/** Connects `perStore` screens of each store, spread over the workers and the endpoints. */
async function connectScreens(workers: Proc[], slugs: string[], perStore: number, endpoints: Endpoint[]) {
	const plans: { url: string; auth: Record<string, unknown>; n: number; headers?: Record<string, string>; tag: number }[][] = workers.map(() => []);
	let turn = 0;
	for (const slug of slugs) {
		for (let i = 0; i < perStore; i++) {
			const ep = endpoints[turn % endpoints.length];
			const w = Math.floor(turn / endpoints.length) % workers.length;
			turn++;
			const plan = plans[w];
			const last = plan[plan.length - 1];
			if (last && last.url === ep.url && last.auth.store === slug && last.tag === ep.tag) last.n++;
			else plan.push({ url: ep.url, auth: ep.auth(slug), n: 1, headers: ep.headers, tag: ep.tag });
		}
	}
	const t = nowMs();
	const results = await Promise.all(
		workers.map((w, i) => ask<{ connected: number; failed: number; lastError: string }>(w, { cmd: 'connect', groups: plans[i], concurrency: 25 }, 300_000))
	);
	const connected = results.reduce((s, r) => s + r.connected, 0);
	const failed = results.reduce((s, r) => s + r.failed, 0);
	const seconds = (nowMs() - t) / 1000;
	if (failed) log(`  ${failed} screens failed to connect: ${results.find((r) => r.failed)?.lastError}`);
	return { connected, failed, seconds, perSecond: round(connected / seconds, 0) };
}

/** Waits (at most 60 s) until the machine's CPU is below 15 % over a second. */
async function settle(label: string) {
	const t0 = Date.now();
	let busy = 100;
	while (Date.now() - t0 < 60_000) {
		const a = machineJiffies();
		await sleep(1000);
		const b = machineJiffies();
		busy = (100 * (b.busy - a.busy)) / Math.max(1, b.total - a.total);
		if (busy < 15) break;
	}
	log(`  settled ${label}: ${((Date.now() - t0) / 1000).toFixed(1)} s, machine CPU ${busy.toFixed(0)} % over the last second`);
}

async function disconnectScreens(workers: Proc[]) {
	for (const w of workers) await ask(w, { cmd: 'disconnect' });
}

// ---- infrastructure ------------------------------------------------------------------------

/** A snapshot of the source tree, built once: others may rebuild build/ while the bench runs. */
function prepareApp(): { appDir: string; clientDir: string; note: string } {
	if (process.env.BENCH_REUSE_BUILD === '1') {
		if (!existsSync(path.join(ROOT, 'build/handler.js')) || !existsSync(path.join(ROOT, 'build/server'))) {
			log('build/ is missing or incomplete: building it (npx vite build)');
			execFileSync('npx', ['vite', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'], timeout: 300_000 });
		}
		return { appDir: ROOT, clientDir: path.join(ROOT, 'build/client'), note: `existing build/ of ${statSync(path.join(ROOT, 'build/handler.js')).mtime.toISOString()}` };
	}
	const appDir = path.join(WORK, 'app');
	mkdirSync(appDir, { recursive: true });
	const skip = new Set(['node_modules', '.git', 'build', '.svelte-kit', 'tests', 'data', 'test-results', 'playwright-report']);
	for (const entry of readdirSync(ROOT)) {
		if (skip.has(entry)) continue;
		cpSync(path.join(ROOT, entry), path.join(appDir, entry), { recursive: true });
	}
	symlinkSync(path.join(ROOT, 'node_modules'), path.join(appDir, 'node_modules'));
	log(`building a snapshot of the source tree in ${appDir} (npx vite build)`);
	const t = nowMs();
	execFileSync('npx', ['vite', 'build'], { cwd: appDir, stdio: ['ignore', 'ignore', 'inherit'], timeout: 300_000, env: { ...process.env, NODE_ENV: 'production' } });
	log(`  built in ${((nowMs() - t) / 1000).toFixed(1)} s`);
	return { appDir, clientDir: path.join(appDir, 'build/client'), note: `fresh build of a snapshot of the working tree taken at ${new Date().toISOString()}` };
}

/**
 * The "before" of BENCH_BEFORE: a copy of the working tree with every file that differs from `ref`
 * put back as `ref` has it (untracked files stay, so both sides build alike), built.
 */
function prepareBefore(ref: string): { appDir: string; clientDir: string; note: string } {
	const appDir = path.join(WORK, 'before');
	mkdirSync(appDir, { recursive: true });
	const commit = execFileSync('git', ['rev-parse', ref], { cwd: ROOT }).toString().trim();
	const skip = new Set(['node_modules', '.git', 'build', '.svelte-kit', 'data', 'test-results', 'playwright-report']);
	for (const entry of readdirSync(ROOT)) {
		if (skip.has(entry)) continue;
		cpSync(path.join(ROOT, entry), path.join(appDir, entry), { recursive: true });
	}
	const changed = execFileSync('git', ['diff', '--name-only', '-z', '--no-renames', commit], { cwd: ROOT }).toString().split('\0').filter(Boolean);
	for (const file of changed) {
		const target = path.join(appDir, file);
		try {
			const content = execFileSync('git', ['show', `${commit}:${file}`], { cwd: ROOT, maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'] });
			mkdirSync(path.dirname(target), { recursive: true });
			writeFileSync(target, content);
		} catch {
			rmSync(target, { force: true }); // not in ref
		}
	}
	symlinkSync(path.join(ROOT, 'node_modules'), path.join(appDir, 'node_modules'));
	log(`building the working tree as of ${ref} (${commit.slice(0, 10)}; ${changed.length} files put back) in ${appDir} (npx vite build)`);
	const t = nowMs();
	execFileSync('npx', ['vite', 'build'], { cwd: appDir, stdio: ['ignore', 'ignore', 'inherit'], timeout: 300_000, env: { ...process.env, NODE_ENV: 'production' } });
	log(`  built in ${((nowMs() - t) / 1000).toFixed(1)} s`);
	return { appDir, clientDir: path.join(appDir, 'build/client'), note: `${ref} = ${commit}; files put back: ${changed.join(', ')}` };
}

async function startInstance(name: string, appDir: string, dbUrl: string, redisUrl: string | undefined): Promise<{ proc: Proc; port: number; url: string }> {
	const port = await freePort();
	const inspect = PROFILE && name === 'inst-a' ? ['--inspect=127.0.0.1:0'] : [];
	// BENCH_APP_NODE_ARGS: extra Node/V8 flags for the app instances only (an experiment's knob)
	const extra = (process.env.BENCH_APP_NODE_ARGS ?? '').split(' ').filter(Boolean);
	const proc = startProcess(name, process.execPath, [...inspect, ...extra, '--import', 'tsx', path.join(appDir, 'src/server/start.ts')], {
		cwd: appDir,
		env: {
			...process.env,
			PORT: String(port),
			HOST: '127.0.0.1',
			ORIGIN: `http://127.0.0.1:${port}`,
			DATABASE_URL: dbUrl,
			REDIS_URL: redisUrl ?? '',
			SEED_DEMO: 'false',
			INSTANCE_NAME: name,
			NODE_ENV: 'production',
			DATA_DIR: path.join(WORK, `data-${name}`),
			TSX_TSCONFIG_PATH: path.join(appDir, 'tsconfig.json')
		}
	});
	await proc.waitFor(/ready on/, 90_000);
	return { proc, port, url: `http://127.0.0.1:${port}` };
}

// ---- the run -------------------------------------------------------------------------------

/** p50 and p99 are the median round's; `pooled` has all rounds' samples together */
interface RoundsResult {
	latency: Summary;
	ack: Summary;
	pooled: { latency: Summary; ack: Summary };
}

interface RenderResult {
	url: string;
	status: number;
	cards: number;
	total: Summary;
	ttfb: Summary;
	htmlBytes: number;
	htmlGzipBytes: number;
	htmlBrotliBytes: number;
	snapshotQueryInProcess: Summary;
	snapshotQueryExecutionInPostgres: Summary;
	plainColumnsQueryExecutionInPostgres: Summary;
	hydrationScriptBytes: number;
	hydrationScriptGzipBytes: number;
	cardElementsInHtml: number;
	/** cards in the page's hydration data (the first screenful), of BIG_CARDS */
	cardsInPageData: number;
	/**
	 * The rest of the board: the screen's first `board:sync { since, full: true, sparse: true }`, answered with
	 * the whole board as a snapshot. Its ack as JSON (what the WebSocket frame carries, uncompressed:
	 * per-message deflate is off) and emit → ack on loopback (server time + transfer + client parse).
	 */
	firstSync: { kind: string; cards: number; bytes: number; gzipBytes: number; wholeBytes: number; roundTrip: Summary };
}

interface Target {
	figure: string;
	value: number;
	limit: string;
	pass: boolean;
	unit: string;
}

async function main() {
	const started = nowMs();
	const machine = {
		uptimeAtStart: execFileSync('uptime').toString().trim(),
		loadavgAtStart: loadavg().map((x) => round(x, 2)),
		cpus: cpus().length,
		memGB: round(totalmem() / 2 ** 30, 1),
		node: process.version,
		uptimeAtEnd: '',
		seconds: 0
	};
	log(`machine: ${machine.cpus} cpus, ${machine.memGB} GB; ${machine.uptimeAtStart}`);
	mkdirSync(WORK, { recursive: true });
	const result: Record<string, unknown> = { machine, quick: QUICK };

	// -- database
	const admin = connect(adminDatabaseUrl, 1);
	await admin.unsafe(`drop database if exists ${DB_NAME} with (force)`);
	await admin.unsafe(`create database ${DB_NAME}`);
	await admin.end();
	const dbUrl = databaseUrl(DB_NAME);
	const sql: Sql = connect(dbUrl, 4);
	benchBackends = async () =>
		(await sql<{ pid: number }[]>`select pid from pg_stat_activity where datname = ${DB_NAME} and backend_type = 'client backend'`).map((r) => r.pid);
	dbCleanups.push(async () => {
		await sql.end({ timeout: 2 }).catch(() => {});
		const a = connect(adminDatabaseUrl, 1);
		await a.unsafe(`drop database if exists ${DB_NAME} with (force)`).catch((e) => log(`drop ${DB_NAME}: ${e.message}`));
		await a.end();
	});
	await migrate(sql, path.join(ROOT, 'db/migrations'));
	const specs = [
		...Array.from({ length: TP_STORES }, (_, i) => ({ slug: `bench-${String(i + 1).padStart(2, '0')}`, name: `压测${i + 1}号店`, cards: 100 })),
		{ slug: 'bench-big', name: '压测大看板店', cards: BIG_CARDS }
	];
	let t = nowMs();
	const fixture = await createFixture(sql, specs);
	useSession(await createBenchSession(sql, fixture));
	const big = fixture.find((s) => s.slug === 'bench-big')!;
	log(`fixture: ${fixture.length} stores, ${fixture.reduce((s, f) => s + f.cards.length, 0)} cards in ${((nowMs() - t) / 1000).toFixed(1)} s`);

	// -- redis
	let redisUrl = process.env.REDIS_URL;
	let redisPid: number | undefined;
	if (!redisUrl) {
		const port = await freePort();
		const redis = startProcess('redis-server', 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes']);
		await redis.waitFor(/Ready to accept connections/i, 15_000);
		redisUrl = `redis://127.0.0.1:${port}`;
		redisPid = redis.pid;
		log(`redis-server pid ${redis.pid} on ${port}`);
	}

	// -- app instances and the baseline
	const app = prepareApp();
	result.build = app.note;
	const [A, B] = await Promise.all([startInstance('inst-a', app.appDir, dbUrl, redisUrl), startInstance('inst-b', app.appDir, dbUrl, redisUrl)]);
	log(`instances: inst-a pid ${A.proc.pid} ${A.url}, inst-b pid ${B.proc.pid} ${B.url}`);
	let before: { app: ReturnType<typeof prepareBefore>; A: Awaited<ReturnType<typeof startInstance>>; B: Awaited<ReturnType<typeof startInstance>> } | undefined;
	if (BEFORE) {
		const bApp = prepareBefore(BEFORE);
		result.before = bApp.note;
		const [bA, bB] = await Promise.all([startInstance('before-a', bApp.appDir, dbUrl, redisUrl), startInstance('before-b', bApp.appDir, dbUrl, redisUrl)]);
		log(`before instances: before-a pid ${bA.proc.pid} ${bA.url}, before-b pid ${bB.proc.pid} ${bB.url}`);
		before = { app: bApp, A: bA, B: bB };
	}
	const profiles: Record<string, unknown> = {};
	let inspector: Inspector | undefined;
	if (PROFILE) {
		mkdirSync(PROFILE_DIR, { recursive: true });
		inspector = await Inspector.attach(A.proc);
		earlyCleanups.push(() => inspector?.close());
		result.cpuProfiles = profiles;
	}
	/** runs `fn`, under inst-a's CPU profiler when profiling */
	const profiled = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
		if (!inspector) return fn();
		const { value, summary } = await inspector.profile(path.join(PROFILE_DIR, `${name}.cpuprofile`), fn);
		profiles[name] = summary;
		return value;
	};
	const cardsFile = path.join(WORK, 'baseline-cards.json');
	writeFileSync(cardsFile, JSON.stringify(Object.fromEntries(fixture.slice(0, LAT_STORES).map((s) => [s.slug, s.cards]))));
	const basePort = await freePort();
	const base = want('latency') ? startProcess('baseline', process.execPath, ['--import', 'tsx', path.join(ROOT, 'tests/bench/baseline-server.ts'), String(basePort), cardsFile], { cwd: ROOT }) : undefined;
	await base?.waitFor(/baseline ready/, 60_000);
	const workers: Proc[] = [];
	for (let i = 0; i < WORKERS; i++) workers.push(forkTs(`screens-${i}`, path.join(ROOT, 'tests/bench/screens-worker.ts')));
	await Promise.all(workers.map((w) => new Promise<void>((resolve) => w.child.once('message', () => resolve()))));
	log(`baseline pid ${base?.pid}; screen workers ${workers.map((w) => w.pid).join(', ')}`);

	const epA: Endpoint = { name: 'inst-a', tag: 0, url: A.url, auth: appAuth, headers: appSocketHeaders(A.url) };
	const epB: Endpoint = { name: 'inst-b', tag: 1, url: B.url, auth: appAuth, headers: appSocketHeaders(B.url) };
	const epBase: Endpoint = { name: 'baseline', tag: 2, url: `http://127.0.0.1:${basePort}`, auth: (slug) => ({ store: slug }) };
	const epBeforeA: Endpoint | undefined = before && { name: 'before-a', tag: 4, url: before.A.url, auth: appAuth, headers: appSocketHeaders(before.A.url) };
	const epBeforeB: Endpoint | undefined = before && { name: 'before-b', tag: 5, url: before.B.url, auth: appAuth, headers: appSocketHeaders(before.B.url) };
	const cpuOf = { 'inst-a': A.proc.pid, 'inst-b': B.proc.pid, 'before-a': before?.A.proc.pid, 'before-b': before?.B.proc.pid, baseline: base?.pid, redis: redisPid, bench: process.pid, 'screens-0': workers[0]?.pid, 'screens-1': workers[1]?.pid };

	const movable = (s: FixtureStore) => s.movable.map((c) => ({ ...c }));
	let appRuns: LoadResult[] = [];
	let baseRuns: LoadResult[] = [];
	let beforeRuns: LoadResult[] = [];
	let appLat: RoundsResult | undefined;
	let baseLat: RoundsResult | undefined;
	let beforeLat: RoundsResult | undefined;
	let beforeLoads: Loads | undefined;
	let steps: LoadResult[] = [];
	let sustained = NaN;
	let sustained50 = NaN;
	let render: RenderResult | undefined;
	let loads: Loads | undefined;
	let remoteMoves: Awaited<ReturnType<typeof measureRemoteMoves>> | undefined;
	let memory: Record<string, number> | undefined;
	const boardUrl = `${A.url}/s/${big.slug}/board`;

	// -- 1. move → every screen: app (2 instances + Redis) vs bare baseline, 500 screens, 50 moves/s
	if (want('latency')) {
		const latStores = fixture.slice(0, LAT_STORES);
		const latSlugs = latStores.map((s) => s.slug);
		log(`phase 1: ${LAT_STORES} stores × ${LAT_SCREENS_PER_STORE} screens, ${LAT_RATE} moves/s — app vs bare baseline`);
		const appAdvisors = new Advisors();
		await appAdvisors.connect(latStores.map((s) => ({ slug: s.slug, cards: movable(s), screens: LAT_SCREENS_PER_STORE })), [epA, epB], 1);
		const baseAdvisors = new Advisors();
		await baseAdvisors.connect(latStores.map((s) => ({ slug: s.slug, cards: movable(s), screens: LAT_SCREENS_PER_STORE })), [epBase], 1);
		const c1 = await connectScreens(workers, latSlugs, LAT_SCREENS_PER_STORE - 1, [epA, epB]);
		const c2 = await connectScreens(workers, latSlugs, LAT_SCREENS_PER_STORE - 1, [epBase]);
		log(`  connected ${c1.connected} app screens (${c1.perSecond}/s) and ${c2.connected} baseline screens (+ ${LAT_STORES} advisors each)`);
		// BENCH_BEFORE: the other commit's instances, on the next 20 stores (their cards move apart)
		let beforeAdvisors: Advisors | undefined;
		if (epBeforeA && epBeforeB) {
			const beforeStores = fixture.slice(LAT_STORES, 2 * LAT_STORES);
			beforeAdvisors = new Advisors();
			await beforeAdvisors.connect(beforeStores.map((s) => ({ slug: s.slug, cards: movable(s), screens: LAT_SCREENS_PER_STORE })), [epBeforeA, epBeforeB], 1);
			const c0 = await connectScreens(workers, beforeStores.map((s) => s.slug), LAT_SCREENS_PER_STORE - 1, [epBeforeA, epBeforeB]);
			log(`  connected ${c0.connected} screens of the before instances (${BEFORE})`);
		}
		appRuns = [];
		baseRuns = [];
		beforeRuns = [];
		for (let r = 0; r < LAT_ROUNDS; r++) {
			const b = await runLoad(baseAdvisors, workers, LAT_RATE, LAT_WARMUP_MS, LAT_MEASURE_MS, cpuOf);
			log(`  baseline round ${r + 1}: p50 ${fmt(b.latency.p50)} p99 ${fmt(b.latency.p99)} ms, delivered ${b.delivered}/${b.expected}`);
			baseRuns.push(b);
			if (beforeAdvisors) {
				const x = await runLoad(beforeAdvisors, workers, LAT_RATE, LAT_WARMUP_MS, LAT_MEASURE_MS, cpuOf);
				log(`  before round ${r + 1}:   p50 ${fmt(x.latency.p50)} p99 ${fmt(x.latency.p99)} ms, delivered ${x.delivered}/${x.expected}, ack p50 ${fmt(x.ack.p50)} p99 ${fmt(x.ack.p99)}, errors ${JSON.stringify(x.errors)}`);
				beforeRuns.push(x);
			}
			const a = await (r === 0 ? profiled : (_: string, f: () => Promise<LoadResult>) => f())('inst-a-phase1-app-50s', () =>
				runLoad(appAdvisors, workers, LAT_RATE, LAT_WARMUP_MS, LAT_MEASURE_MS, cpuOf)
			);
			log(`  app round ${r + 1}:      p50 ${fmt(a.latency.p50)} p99 ${fmt(a.latency.p99)} ms, delivered ${a.delivered}/${a.expected}, ack p50 ${fmt(a.ack.p50)} p99 ${fmt(a.ack.p99)}, errors ${JSON.stringify(a.errors)}`);
			appRuns.push(a);
		}
		// rounds interleave baseline and app, against the drifting load of the machine.
		// The headline is the median round: a stall of another process on this shared machine lifts
		// one round's p99 (and a pooled p99) on its own. The pooled figures are printed as well.
		const medianRound = (runs: LoadResult[]) => {
			const mid = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor((xs.length - 1) / 2)];
			return {
				latency: { ...summarize(runs.flatMap((r) => r.raw.lat)), p50: mid(runs.map((r) => r.latency.p50)), p99: mid(runs.map((r) => r.latency.p99)) },
				ack: { ...summarize(runs.flatMap((r) => r.raw.ack)), p50: mid(runs.map((r) => r.ack.p50)), p99: mid(runs.map((r) => r.ack.p99)) },
				pooled: { latency: summarize(runs.flatMap((r) => r.raw.lat)), ack: summarize(runs.flatMap((r) => r.raw.ack)) }
			};
		};
		appLat = medianRound(appRuns);
		baseLat = medianRound(baseRuns);
		if (beforeRuns.length) beforeLat = medianRound(beforeRuns);
		appAdvisors.close();
		baseAdvisors.close();
		beforeAdvisors?.close();
		await disconnectScreens(workers);
		await base?.stop();
		result.latency = {
			stores: LAT_STORES,
			screens: LAT_STORES * LAT_SCREENS_PER_STORE,
			ratePerSec: LAT_RATE,
			app: { pooled: appLat, rounds: appRuns },
			baseline: { pooled: baseLat, rounds: baseRuns },
			...(beforeLat ? { before: { ref: BEFORE, pooled: beforeLat, rounds: beforeRuns } } : {})
		};
	}

	// The database part of a move, in this process (no socket, no Redis): per statement, with and
	// without the WAL flush at commit, and the rate the database takes with 20 concurrent movers;
	// then the same for the bench-only one-round-trip function of move-function.sql.
	if (want('db')) {
		const current = new Map((await sql<{ id: number; version: number; column: string }[]>`
			select id::int, version, board_column as column from cards`).map((r) => [r.id, r]));
		// movers update these cards' versions in place, so they stay right from run to run
		const cardsOf = (s: FixtureStore) => s.movable.map((c) => ({ id: c.id, column: current.get(c.id)!.column, version: current.get(c.id)!.version }));
		const probe = { id: fixture[TP_STORES - 1].id, cards: cardsOf(fixture[TP_STORES - 1]) };
		const movers = fixture.slice(TP_STORES - 21, TP_STORES - 1).map((s) => ({ id: s.id, cards: cardsOf(s) }));
		const n = QUICK ? 110 : 310;
		const on = await profileMove(dbUrl, probe, n, 'on', `bench-p1-${RUN}`);
		const off = await profileMove(dbUrl, probe, n, 'off', `bench-p2-${RUN}`);
		await sql.unsafe(readFileSync(path.join(ROOT, 'tests/bench/move-function.sql'), 'utf8'));
		const fn = await profileMove(dbUrl, probe, n, 'on', `bench-p3-${RUN}`, functionMove);
		// BENCH_BEFORE: the other commit's moveCard, in this process, on the same cards
		const beforeMove = before ? moverOf((await import(path.join(before.app.appDir, 'src/lib/server/board/move.ts'))).moveCard) : undefined;
		const onBefore = beforeMove && (await profileMove(dbUrl, probe, n, 'on', `bench-p4-${RUN}`, beforeMove));
		const onAgain = beforeMove && (await profileMove(dbUrl, probe, n, 'on', `bench-p5-${RUN}`));
		const cpuWindow = () => {
			let m0 = machineJiffies();
			let pg0 = new Map<number, number>();
			let bench0 = 0;
			let t0 = 0;
			return {
				async start() {
					m0 = machineJiffies();
					pg0 = cpuByPid(await benchBackends());
					bench0 = cpuSeconds(process.pid);
					t0 = nowMs();
				},
				stop() {
					const wall = (nowMs() - t0) / 1000;
					const m1 = machineJiffies();
					return {
						postgres: round((100 * cpuBetween(pg0, cpuByPid([...pg0.keys()]))) / wall, 0),
						bench: round((100 * (cpuSeconds(process.pid) - bench0)) / wall, 0),
						machine: round((100 * (m1.busy - m0.busy)) / Math.max(1, m1.total - m0.total), 0)
					};
				}
			};
		};
		const seconds = QUICK ? 3 : 5;
		// the app's moveCard with the cards an instance holds once its screens loaded the boards
		// (read just before: the runs above moved them on)
		const held = async (stores: MovableStore[]) => {
			const cards = new CardCache();
			const boards = new Snapshots(sql, cards);
			for (const s of stores) await boards.read(s.id);
			return moverOf(moveCard, cards);
		};
		const onKept = await profileMove(dbUrl, probe, n, 'on', `bench-p6-${RUN}`, await held([probe]));
		const tpKept = await dbThroughput(dbUrl, movers, seconds, `bench-tp4-${RUN}`, cpuWindow(), await held(movers));
		const tp = await dbThroughput(dbUrl, movers, seconds, `bench-tp1-${RUN}`, cpuWindow());
		const tpFn = await dbThroughput(dbUrl, movers, seconds, `bench-tp2-${RUN}`, cpuWindow(), functionMove);
		const tpBefore = beforeMove && (await dbThroughput(dbUrl, movers, seconds, `bench-tp3-${RUN}`, cpuWindow(), beforeMove));
		result.moveTransactionInProcess = {
			synchronousCommitOn: on,
			synchronousCommitOff: off,
			concurrent: tp,
			cardHeld: { sequential: onKept, concurrent: tpKept },
			oneRoundTripFunction: { sequential: fn, concurrent: tpFn },
			...(onBefore && onAgain && tpBefore ? { before: { ref: BEFORE, sequential: onBefore, concurrent: tpBefore }, appAgain: onAgain } : {})
		};
		if (onBefore && onAgain && tpBefore) {
			log(`  ${BEFORE}'s moveCard in process: p50 ${fmt(onBefore.total.p50)} p99 ${fmt(onBefore.total.p99)} ms (${onBefore.statementsPerMove} statements), 20 movers ${tpBefore.movesPerSec}/s p50 ${fmt(tpBefore.latency.p50)} p99 ${fmt(tpBefore.latency.p99)}; this tree's again: p50 ${fmt(onAgain.total.p50)} p99 ${fmt(onAgain.total.p99)}`);
		}
		log(`  moveCard() in process, card held: p50 ${fmt(onKept.total.p50)} p99 ${fmt(onKept.total.p99)} ms; 20 movers ${tpKept.movesPerSec}/s p50 ${fmt(tpKept.latency.p50)} p99 ${fmt(tpKept.latency.p99)}`);
		log(`  moveCard() in process, read first: p50 ${fmt(on.total.p50)} p99 ${fmt(on.total.p99)} ms (${on.statementsPerMove} statements); synchronous_commit=off p50 ${fmt(off.total.p50)}; one-round-trip function p50 ${fmt(fn.total.p50)} p99 ${fmt(fn.total.p99)}`);
		log(`  20 concurrent movers: moveCard ${tp.movesPerSec} moves/s (p50 ${fmt(tp.latency.p50)} ms, cpu ${JSON.stringify(tp.cpu)}); function ${tpFn.movesPerSec} moves/s (p50 ${fmt(tpFn.latency.p50)} ms, cpu ${JSON.stringify(tpFn.cpu)})`);
	}

	// -- 2. throughput: 2,000 screens, stepping the committed move rate
	if (want('throughput')) {
		log(`phase 2: ${TP_STORES} stores × ${TP_SCREENS_PER_STORE} screens, steps ${TP_STEPS.join(', ')} moves/s`);
		const tpStores = fixture.slice(0, TP_STORES);
		const tpAdvisors = new Advisors();
		// fresh card versions: read them back (phase 1 and the in-process moves changed them)
		const versions = new Map((await sql<{ id: number; version: number; column: string }[]>`
		select id::int, version, board_column as column from cards`).map((r) => [r.id, r]));
		const fresh = (s: FixtureStore) => s.movable.map((c) => ({ id: c.id, column: versions.get(c.id)!.column, version: versions.get(c.id)!.version }));
		await tpAdvisors.connect(tpStores.map((s) => ({ slug: s.slug, cards: fresh(s), screens: TP_SCREENS_PER_STORE })), [epA, epB], TP_ADVISORS_PER_STORE);
		const c3 = await connectScreens(workers, tpStores.map((s) => s.slug), TP_SCREENS_PER_STORE - TP_ADVISORS_PER_STORE, [epA, epB]);
		log(`  connected ${c3.connected} screens + ${TP_STORES * TP_ADVISORS_PER_STORE} advisors (${c3.perSecond} connections/s)`);
		// Step up the rate. This machine is shared, so one stall of another process can lift a
		// step's p99 on its own: a step that misses the 100 ms (or 50 ms) mark is run once more and
		// both attempts are reported. Stepping stops once the database and instances cannot keep up
		// (committed < 90% of the target, or p50 > 1 s) or both attempts missed 100 ms.
		steps = [];
		const meets = (x: LoadResult, limit: number) => x.latency.p99 <= limit && x.committedPerSec >= 0.9 * x.target;
		const saturated = (x: LoadResult) => x.committedPerSec < 0.9 * x.target || x.latency.p50 > 1000;
		const passedAt = (limit: number) => {
			let best = 0;
			for (const rate of TP_STEPS) {
				const attempts = steps.filter((x) => x.target === rate);
				if (!attempts.some((x) => meets(x, limit))) break;
				best = Math.max(...attempts.filter((x) => meets(x, limit)).map((x) => x.committedPerSec));
			}
			return best;
		};
		for (const rate of TP_STEPS) {
			let r: LoadResult | undefined;
			for (let attempt = 1; attempt <= 2; attempt++) {
				const step = () => runLoad(tpAdvisors, workers, rate, TP_WARMUP_MS, TP_MEASURE_MS, cpuOf);
				r = rate === 200 && attempt === 1 ? await profiled('inst-a-2000-screens-200s', step) : await step();
				r.attempt = attempt;
				steps.push(r);
				log(`  ${rate}/s${attempt > 1 ? ' (again)' : ''}: committed ${r.committedPerSec}/s, p50 ${fmt(r.latency.p50)} p99 ${fmt(r.latency.p99)} ms, ack p99 ${fmt(r.ack.p99)}, delivered ${r.delivered}/${r.expected}, errors ${JSON.stringify(r.errors)}, cpu ${JSON.stringify(r.cpu)}`);
				if (meets(r, 50) || saturated(r)) break;
				if (attempt === 1 && meets(r, 100) && rate > 200) break; // the 50 ms mark only matters up to 200/s
			}
			const attempts = steps.filter((x) => x.target === rate);
			if (attempts.some(saturated) || !attempts.some((x) => meets(x, 100))) break;
		}
		tpAdvisors.close();
		await disconnectScreens(workers);
		// the saturating step leaves the instances and Postgres a backlog: the next phases measure
		// the board on a settled machine, not the tail of this one
		await settle('after phase 2');
		sustained = passedAt(100);
		sustained50 = passedAt(50);
		result.throughput = { screens: TP_STORES * TP_SCREENS_PER_STORE, stores: TP_STORES, advisorsPerStore: TP_ADVISORS_PER_STORE, steps, sustainedAtP99le100: sustained, sustainedAtP99le50: sustained50 };
	}

	// -- 3. server render of a 500-card board
	if (want('render')) {
		log(`phase 3: GET /s/bench-big/board (${BIG_CARDS} cards), ${RENDER_REQUESTS} requests`);
		const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
		let html: Buffer = Buffer.alloc(0);
		for (let i = 0; i < RENDER_WARMUP; i++) html = (await requestPage(agent, boardUrl)).body;
		const renderTotal: number[] = [];
		const renderTtfb: number[] = [];
		let status = 0;
		const renderDeadline = nowMs() + 60_000;
		await profiled('inst-a-render-500-cards', async () => {
			for (let i = 0; i < RENDER_REQUESTS && nowMs() < renderDeadline; i++) {
				const r = await requestPage(agent, boardUrl);
				status = r.status;
				renderTotal.push(r.total);
				renderTtfb.push(r.ttfb);
				html = r.body;
			}
		});
		agent.destroy();
		// the snapshot query's execution inside Postgres (no transfer, no parsing)
		const execMs: number[] = [];
		for (let i = 0; i < 10; i++) {
			const [row] = await sql.unsafe(`explain (analyze, format json) select card from board_card_view where store_id = ${big.id} and archived_at is null`);
			execMs.push((row['QUERY PLAN'] as { 'Execution Time': number }[])[0]['Execution Time']);
		}
		// the same rows as plain columns (no jsonb_build_object, no to_char): what building the JSON costs
		const plainMs: number[] = [];
		for (let i = 0; i < 10; i++) {
			const [row] = await sql.unsafe(`explain (analyze, format json)
				select c.id, c.board_column, c.version, v.plate, cu.surname, cu.title, v.model, c.due_at, c.appointment_id,
					c.job_summary, c.safety, c.comeback, c.complaint, c.parts_waiting, c.stop_work_reason, c.stop_work_since,
					c.customer_waits, c.wash_declined, c.rework_count, t.display_name, b.name, a.display_name, c.column_entered_at
				from cards c join vehicles v on v.id = c.vehicle_id join customers cu on cu.id = c.customer_id
				left join users t on t.id = c.technician_id left join users a on a.id = c.advisor_id left join bays b on b.id = c.bay_id
				where c.store_id = ${big.id} and c.archived_at is null`);
			plainMs.push((row['QUERY PLAN'] as { 'Execution Time': number }[])[0]['Execution Time']);
		}
		const snapshotDb: number[] = [];
		for (let i = 0; i < 50; i++) {
			const t0 = nowMs();
			await boardDb.snapshot(sql, big.id);
			snapshotDb.push(nowMs() - t0);
		}
		// the rest of the board: the first sync of a screen of this page asks for the whole board
		const syncSocket = openSocket(A.url, appAuth(big.slug), appSocketHeaders(A.url), 20_000);
		await new Promise<void>((resolve, reject) => {
			syncSocket.once('connect', () => resolve());
			syncSocket.once('connect_error', reject);
		});
		const syncTimes: number[] = [];
		let syncAck: { ok: boolean; data?: { kind: string; cards?: unknown[] } } = { ok: false };
		for (let i = 0; i < FIRST_SYNCS; i++) {
			const t0 = nowMs();
			// as the board's screens ask: the cards sparse (domain/sparseCard.ts)
			syncAck = await syncSocket.timeout(10_000).emitWithAck('board:sync', { since: 0, full: true, sparse: true });
			syncTimes.push(nowMs() - t0);
			// the server allows a socket 20 commands/s: stay under it
			await sleep(60);
		}
		// and once with the cards whole, as an integration gets them, for the size
		const wholeAck = await syncSocket.timeout(10_000).emitWithAck('board:sync', { since: 0, full: true });
		syncSocket.close();
		const syncJson = Buffer.from(JSON.stringify(syncAck));
		writeFileSync('/tmp/bench-board.html', html);
		const text = html.toString();
		const dataStart = text.indexOf('data: [');
		const scriptStart = dataStart >= 0 ? text.lastIndexOf('<script', dataStart) : -1;
		const scriptEnd = scriptStart >= 0 ? text.indexOf('</script>', scriptStart) : -1;
		const hydration = scriptStart >= 0 && scriptEnd > 0 ? Buffer.from(text.slice(scriptStart, scriptEnd)) : Buffer.alloc(0);
		render = {
			url: `/s/${big.slug}/board`,
			status,
			cards: BIG_CARDS,
			total: summarize(renderTotal),
			ttfb: summarize(renderTtfb),
			htmlBytes: html.length,
			htmlGzipBytes: gzipSync(html, { level: 6 }).length,
			htmlBrotliBytes: brotliCompressSync(html).length,
			snapshotQueryInProcess: summarize(snapshotDb),
			snapshotQueryExecutionInPostgres: summarize(execMs),
			plainColumnsQueryExecutionInPostgres: summarize(plainMs),
			hydrationScriptBytes: hydration.length,
			hydrationScriptGzipBytes: gzipSync(hydration, { level: 6 }).length,
			cardElementsInHtml: (text.match(/data-card=/g) ?? []).length,
			// every card of the page data carries its plate once
			cardsInPageData: (hydration.toString().match(/plate:/g) ?? []).length,
			firstSync: {
				kind: syncAck.data?.kind ?? `refused: ${JSON.stringify(syncAck)}`,
				cards: syncAck.data?.cards?.length ?? 0,
				bytes: syncJson.length,
				gzipBytes: gzipSync(syncJson, { level: 6 }).length,
				wholeBytes: Buffer.byteLength(JSON.stringify(wholeAck)),
				roundTrip: summarize(syncTimes)
			}
		};
		result.render = render;
		log(`  p50 ${fmt(render.total.p50)} p99 ${fmt(render.total.p99)} ms, HTML ${render.htmlBytes} B raw, ${render.htmlGzipBytes} B gzip; snapshot() alone p50 ${fmt(render.snapshotQueryInProcess.p50)} ms`);
		log(`  first sync (the rest of the board): ${render.firstSync.kind}, ${render.firstSync.cards} cards, ${render.firstSync.bytes} B, round trip p50 ${fmt(render.firstSync.roundTrip.p50)} ms`);
	}

	// -- 4. Chromium: interactive, remote move to DOM, JS size
	if (want('browser')) {
		log(`phase 4: Chromium, ${BROWSER_LOADS} cold loads of the 500-card board, then ${REMOTE_MOVES} remote moves`);
		const browser = await launch();
		earlyCleanups.push(() => browser.close().catch(() => {}));
		if (before) {
			// cold loads alternate: before, this tree, before, …
			[beforeLoads, loads] = await measureLoads(browser, [`${before.A.url}/s/${big.slug}/board`, boardUrl], BROWSER_LOADS, [before.app.clientDir, app.clientDir]);
			log(`  before (${BEFORE}): ready (${beforeLoads.timing.signal}) p50 ${fmt(beforeLoads.timing.ready.p50)} p90 ${fmt(beforeLoads.timing.ready.p90)} max ${fmt(beforeLoads.timing.ready.max)} ms`);
		} else [loads] = await measureLoads(browser, [boardUrl], BROWSER_LOADS, [app.clientDir]);
		log(`  ready (${loads.timing.signal}) p50 ${fmt(loads.timing.ready.p50)} max ${fmt(loads.timing.ready.max)} ms; JS ${loads.js.files.length} files ${loads.js.gzip} B gzip; card selector ${loads.timing.cardSelector}`);
		if (PROFILE) profiles['chromium-page-cold-load'] = await profileColdLoad(browser, boardUrl, path.join(PROFILE_DIR, 'chromium-cold-load.cpuprofile'));
		const remote = new Advisors();
		const bigCards = (await sql<{ id: number; version: number; column: string }[]>`
		select id::int, version, board_column as column from cards where store_id = ${big.id} and board_column in ('ready', 'confirmed') order by id`).map((r) => ({ ...r }));
		await remote.connect([{ slug: big.slug, cards: bigCards, screens: 1 }], [epB], 1);
		let turn = 0;
		const moveOne = async () => {
			const errors = new Map<string, number>();
			const sentOk = remote.send(0, 0, errors, []);
			if (!sentOk) return false;
			const until = nowMs() + 5_000;
			while (remote.inflight > 0 && nowMs() < until) await sleep(2);
			turn++;
			return errors.size === 0;
		};
		remoteMoves = await measureRemoteMoves(browser, boardUrl, REMOTE_MOVES, moveOne, 150, PROFILE ? path.join(PROFILE_DIR, 'chromium-remote-moves.cpuprofile') : undefined);
		if (remoteMoves.profile) profiles['chromium-page-during-remote-moves'] = remoteMoves.profile;
		remote.close();
		await browser.close();
		log(`  remote move → DOM: ${remoteMoves.applied}/${remoteMoves.moves} applied, p50 ${fmt(remoteMoves.dom.p50)} p99 ${fmt(remoteMoves.dom.p99)} ms${remoteMoves.note ? ` (${remoteMoves.note})` : ''}`);
		result.browser = { loads: loads.timing, remoteMoves, ...(beforeLoads ? { before: { ref: BEFORE, loads: beforeLoads.timing } } : {}) };
		result.boardRouteJs = loads.js;
	}

	// -- 4b. the wall TV over hours of moves (tests/bench/soak.ts); before phase 5 stops inst-a/b
	if (want('soak')) {
		const browser = await launch();
		earlyCleanups.push(() => browser.close().catch(() => {}));
		const pids = { 'inst-a': A.proc.pid, 'inst-b': B.proc.pid };
		result.soak = await runSoak({ browser, sql, store: big, tvUrl: `${A.url}/s/${big.slug}/tv`, moverUrl: B.url, pids, quick: QUICK, log });
		await browser.close();
	}

	// -- 5. memory per connected screen, on a fresh instance
	if (want('memory')) {
		log(`phase 5: memory, ${MEM_SCREENS} websocket screens on a fresh instance`);
		await A.proc.stop();
		await B.proc.stop();
		const C = await startInstance('inst-c', app.appDir, dbUrl, redisUrl);
		const epC: Endpoint = { name: 'inst-c', tag: 3, url: C.url, auth: appAuth, headers: appSocketHeaders(C.url) };
		const allSlugs = fixture.map((s) => s.slug);
		// warm the code paths (socket.io, ws, the handshake query) so that RSS growth is the screens'
		await connectScreens(workers, allSlugs.slice(0, 10), 20, [epC]);
		await disconnectScreens(workers);
		await sleep(3_000);
		const rssBefore = rssBytes(C.proc.pid);
		const perStore = Math.ceil(MEM_SCREENS / allSlugs.length);
		const c5 = await connectScreens(workers, allSlugs, perStore, [epC]);
		await sleep(6_000); // a heartbeat goes by
		const rssAfter = rssBytes(C.proc.pid);
		const stats = await Promise.all(workers.map((w) => ask<{ connectedNow: number; heads: number }>(w, { cmd: 'stats' })));
		const connectedNow = stats.reduce((s, x) => s + x.connectedNow, 0);
		memory = {
			screens: connectedNow,
			connectSeconds: round(c5.seconds, 1),
			connectionsPerSecond: c5.perSecond,
			failed: c5.failed,
			rssBeforeMB: round(rssBefore / 2 ** 20, 1),
			rssAfterMB: round(rssAfter / 2 ** 20, 1),
			perScreenKB: round((rssAfter - rssBefore) / 1024 / Math.max(1, connectedNow), 1),
			heartbeatsSeen: stats.reduce((s, x) => s + x.heads, 0)
		};
		result.memory = memory;
		log(`  RSS ${memory.rssBeforeMB} → ${memory.rssAfterMB} MB with ${connectedNow} screens: ${memory.perScreenKB} KB per screen (connected at ${c5.perSecond}/s)`);
		await disconnectScreens(workers);
		await C.proc.stop();
	}

	// -- the report
	machine.uptimeAtEnd = execFileSync('uptime').toString().trim();
	machine.seconds = round((nowMs() - started) / 1000, 0);
	const ratio = appLat && baseLat ? appLat.latency.p99 / baseLat.latency.p99 : NaN;
	const step200 = steps.find((x) => x.target === 200);
	const target = (figure: string, value: number | undefined, limit: string, ok: (v: number) => boolean, unit: string): Target | undefined =>
		value === undefined || Number.isNaN(value) ? undefined : { figure, value, limit, pass: ok(value), unit };
	const targets = [
		target('full path p50 (2 inst + Redis, 500 screens, 50/s; median round)', appLat?.latency.p50, '≤ 5', (v) => v <= 5, 'ms'),
		target('full path p99 (median round)', appLat?.latency.p99, '≤ 15', (v) => v <= 15, 'ms'),
		target('full path p99 / bare baseline p99 (median rounds)', ratio, '≤ 2.5', (v) => v <= 2.5, '×'),
		target('committed moves/s at p99 ≤ 50 ms, 2,000 screens', want('throughput') ? sustained50 : undefined, '≥ 200', (v) => v >= 200, '/s'),
		target('server memory per screen', memory?.perScreenKB, '≤ 40', (v) => v <= 40, 'KB'),
		target('500-card board render p50', render?.total.p50, '≤ 10', (v) => v <= 10, 'ms'),
		target('500-card board render p99', render?.total.p99, '≤ 25', (v) => v <= 25, 'ms'),
		target('500-card board HTML gzip', render ? render.htmlGzipBytes / 1024 : undefined, '≤ 60', (v) => v <= 60, 'KB'),
		target(`interactive in Chromium p50 (${loads?.timing.signal})`, loads?.timing.ready.p50, '≤ 400', (v) => v <= 400, 'ms'),
		target('remote move → DOM p99', remoteMoves && remoteMoves.applied > 0 ? remoteMoves.dom.p99 : remoteMoves ? Infinity : undefined, '≤ 16', (v) => v <= 16, 'ms'),
		target('board route JS gzip', loads ? loads.js.gzip / 1024 : undefined, '≤ 100', (v) => v <= 100, 'KB')
	].filter((x): x is Target => x !== undefined);
	result.targets = targets;
	result.summary = {
		fullPath: appLat ? { p50: appLat.latency.p50, p99: appLat.latency.p99, roundP99s: appRuns.map((r) => r.latency.p99) } : null,
		baseline: baseLat ? { p50: baseLat.latency.p50, p99: baseLat.latency.p99, roundP99s: baseRuns.map((r) => r.latency.p99) } : null,
		before: beforeLat && baseLat ? { ref: BEFORE, p50: beforeLat.latency.p50, p99: beforeLat.latency.p99, roundP99s: beforeRuns.map((r) => r.latency.p99), ratioP99: round(beforeLat.latency.p99 / baseLat.latency.p99, 2) } : null,
		beforeReady: beforeLoads ? { p50: beforeLoads.timing.ready.p50, p90: beforeLoads.timing.ready.p90 } : null,
		ratioP99: round(ratio, 2),
		sustainedMovesPerSecAtP99le100: sustained,
		sustainedMovesPerSecAtP99le50: sustained50,
		step200: step200 ? { p50: step200.latency.p50, p99: step200.latency.p99, committed: step200.committedPerSec } : null
	};
	writeFileSync(RESULT_FILE, JSON.stringify(result, (k, v) => (k === 'raw' ? undefined : v), '\t'));
	printReport(result, { appRuns, baseRuns, beforeRuns, appLat, baseLat, beforeLat, beforeLoads, steps, render, memory, loads, remoteMoves, targets });
}

function printReport(
	result: Record<string, unknown>,
	r: {
		appRuns: LoadResult[];
		baseRuns: LoadResult[];
		beforeRuns: LoadResult[];
		appLat?: RoundsResult;
		baseLat?: RoundsResult;
		beforeLat?: RoundsResult;
		beforeLoads?: Loads;
		steps: LoadResult[];
		render?: RenderResult;
		memory?: Record<string, number>;
		loads?: Loads;
		remoteMoves?: Awaited<ReturnType<typeof measureRemoteMoves>>;
		targets: Target[];
	}
) {
	const m = result.machine as { uptimeAtStart: string; uptimeAtEnd: string; seconds: number; cpus: number; memGB: number; node: string };
	const out: string[] = [];
	out.push('', '=== 车间看板 benchmark ===', `machine: ${m.cpus} cpus, ${m.memGB} GB, node ${m.node}; run took ${m.seconds} s`, `uptime at start: ${m.uptimeAtStart}`, `uptime at end:   ${m.uptimeAtEnd}`, `build: ${result.build}`, '');
	if (r.appLat && r.baseLat) {
		out.push('-- move → every screen (20 stores × 25 screens = 500, 50 moves/s; one row per round) --');
		out.push(
			table(
				['setup', 'round', 'moves', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'ack p50', 'ack p99', 'same-inst p50/p99', 'cross-inst p50/p99', 'delivered', 'errors', 'cpu % inst-a/inst-b/base, pg, redis, clients; machine'],
				[
					...r.baseRuns.map((x, i) => ['bare socket.io', i + 1, x] as const),
					...r.beforeRuns.map((x, i) => [`before (${BEFORE}): 2 inst + Redis + PG`, i + 1, x] as const),
					...r.appRuns.map((x, i) => ['app: 2 inst + Redis + PG', i + 1, x] as const)
				].map(([name, i, x]) => [
					name,
					i,
					x.committedInWindow,
					fmt(x.latency.p50),
					fmt(x.latency.p90),
					fmt(x.latency.p99),
					fmt(x.latency.max),
					fmt(x.ack.p50),
					fmt(x.ack.p99),
					`${fmt(x.sameInstance?.p50)}/${fmt(x.sameInstance?.p99)}`,
					`${fmt(x.otherInstance?.p50)}/${fmt(x.otherInstance?.p99)}`,
					`${x.delivered}/${x.expected}`,
					JSON.stringify(x.errors),
					`${x.cpu['inst-a']}/${x.cpu['inst-b']}/${x.cpu.baseline}${r.beforeRuns.length ? ` before ${x.cpu['before-a']}/${x.cpu['before-b']}` : ''}, ${x.cpu.postgres}, ${x.cpu.redis}, ${x.cpu.bench + x.cpu['screens-0'] + x.cpu['screens-1']}; ${x.cpu.machine}`
				])
			)
		);
		if (r.beforeLat) {
			out.push(
				`before (${BEFORE}), median of ${r.beforeRuns.length} round(s) [pooled]: p50 ${fmt(r.beforeLat.latency.p50)} [${fmt(r.beforeLat.pooled.latency.p50)}] ms, p99 ${fmt(r.beforeLat.latency.p99)} [${fmt(r.beforeLat.pooled.latency.p99)}] ms (ack p50 ${fmt(r.beforeLat.ack.p50)}, p99 ${fmt(r.beforeLat.ack.p99)}); p99 ratio ${fmt(r.beforeLat.latency.p99 / r.baseLat.latency.p99)}× [${fmt(r.beforeLat.pooled.latency.p99 / r.baseLat.pooled.latency.p99)}×]`
			);
		}
		out.push(
			`median of ${r.appRuns.length} round(s) [pooled samples]: bare baseline p50 ${fmt(r.baseLat.latency.p50)} [${fmt(r.baseLat.pooled.latency.p50)}] ms, p99 ${fmt(r.baseLat.latency.p99)} [${fmt(r.baseLat.pooled.latency.p99)}] ms; app p50 ${fmt(r.appLat.latency.p50)} [${fmt(r.appLat.pooled.latency.p50)}] ms, p99 ${fmt(r.appLat.latency.p99)} [${fmt(r.appLat.pooled.latency.p99)}] ms (ack p50 ${fmt(r.appLat.ack.p50)}, p99 ${fmt(r.appLat.ack.p99)}); p99 ratio ${fmt(r.appLat.latency.p99 / r.baseLat.latency.p99)}× [${fmt(r.appLat.pooled.latency.p99 / r.baseLat.pooled.latency.p99)}×]`, ''
		);
	}
	const tx = result.moveTransactionInProcess as {
		synchronousCommitOn: Awaited<ReturnType<typeof profileMove>>;
		synchronousCommitOff: Awaited<ReturnType<typeof profileMove>>;
		concurrent: Awaited<ReturnType<typeof dbThroughput>>;
		cardHeld?: { sequential: Awaited<ReturnType<typeof profileMove>>; concurrent: Awaited<ReturnType<typeof dbThroughput>> };
		oneRoundTripFunction: { sequential: Awaited<ReturnType<typeof profileMove>>; concurrent: Awaited<ReturnType<typeof dbThroughput>> };
		before?: { ref: string; sequential: Awaited<ReturnType<typeof profileMove>>; concurrent: Awaited<ReturnType<typeof dbThroughput>> };
		appAgain?: Awaited<ReturnType<typeof profileMove>>;
	} | undefined;
	if (tx) {
		out.push(`-- the move transaction alone (moveCard() in this process, no socket/Redis; ${tx.synchronousCommitOn.moves} sequential moves) --`);
		out.push(
			table(
				['statement', 'p50 ms', 'p99 ms', 'p50 ms, sync commit off'],
				tx.synchronousCommitOn.statements.map((x, i) => [x.statement, fmt(x.p50, 3), fmt(x.p99, 3), fmt(tx.synchronousCommitOff.statements[i]?.p50, 3)])
			)
		);
		out.push(`whole move: p50 ${fmt(tx.synchronousCommitOn.total.p50)} ms p99 ${fmt(tx.synchronousCommitOn.total.p99)} ms (${tx.synchronousCommitOn.statementsPerMove} statements, 2 round trips: BEGIN with the 4 pipelined reads, then the write with COMMIT; statement times are send-to-send gaps, so pipelined statements show ~0); synchronous_commit=off: p50 ${fmt(tx.synchronousCommitOff.total.p50)} ms`);
		const f = tx.oneRoundTripFunction;
		out.push(
			table(
				['variant of the move (database side, in this process)', 'statements', 'sequential p50 ms', 'p99 ms', '20 movers: moves/s', 'p50 ms', 'p99 ms', 'cpu % pg / this process / machine'],
				(
					[
						['the app: moveCard(), card not held: read first, 2 round trips', tx.synchronousCommitOn, tx.concurrent],
						...(tx.cardHeld ? ([['the app: moveCard(), card held (cardCache.ts): 1 round trip', tx.cardHeld.sequential, tx.cardHeld.concurrent]] as const) : []),
						...(tx.before && tx.appAgain
							? ([
									[`before (${tx.before.ref}): its moveCard()`, tx.before.sequential, tx.before.concurrent],
									['the app again, after the before (sequential only)', tx.appAgain, tx.concurrent]
								] as const)
							: []),
						['experiment: one SQL function (tests/bench/move-function.sql), 1 round trip', f.sequential, f.concurrent]
					] as const
				).map(([name, q, c]) => [name, q.statementsPerMove, fmt(q.total.p50), fmt(q.total.p99), c.movesPerSec, fmt(c.latency.p50), fmt(c.latency.p99), `${c.cpu.postgres} / ${c.cpu.bench} / ${c.cpu.machine}`])
			),
			''
		);
	}
	if (r.steps.length) {
		out.push('-- committed moves/s with 2,000 screens (80 stores × 25, 2 advisors per store among them; 2 instances + Redis) --');
		out.push(
			table(
				['target /s', 'committed /s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'ack p50', 'ack p99', 'delivered', 'errors', 'no idle card', 'cpu % inst-a/inst-b, pg, redis, clients; machine'],
				r.steps.map((x) => [
					x.attempt && x.attempt > 1 ? `${x.target} (again)` : x.target,
					x.committedPerSec,
					fmt(x.latency.p50),
					fmt(x.latency.p90),
					fmt(x.latency.p99),
					fmt(x.latency.max),
					fmt(x.ack.p50),
					fmt(x.ack.p99),
					`${x.delivered}/${x.expected}`,
					JSON.stringify(x.errors),
					x.skippedNoIdleCard,
					`${x.cpu['inst-a']}/${x.cpu['inst-b']}, ${x.cpu.postgres}, ${x.cpu.redis}, ${x.cpu.bench + x.cpu['screens-0'] + x.cpu['screens-1']}; ${x.cpu.machine}`
				])
			)
		);
		const tp = result.throughput as { sustainedAtP99le100: number; sustainedAtP99le50: number };
		out.push(`sustained committed moves/s (highest step that, with every step below it, met the mark in one of at most two attempts): ${tp.sustainedAtP99le100} at p99 ≤ 100 ms; ${tp.sustainedAtP99le50} at p99 ≤ 50 ms`, '');
	}
	if (r.memory) {
		out.push('-- memory per connected screen (fresh instance, Redis adapter on) --');
		out.push(`${r.memory.screens} screens: RSS ${r.memory.rssBeforeMB} → ${r.memory.rssAfterMB} MB = ${r.memory.perScreenKB} KB per screen; connected in ${r.memory.connectSeconds} s (${r.memory.connectionsPerSecond}/s, ${r.memory.failed} failed)`, '');
	}
	if (r.render) {
		out.push(`-- server render of the 500-card board (GET, keep-alive, sequential, ${r.render.total.n} requests, status ${r.render.status}) --`);
		out.push(`total p50 ${fmt(r.render.total.p50)} ms, p90 ${fmt(r.render.total.p90)} ms, p99 ${fmt(r.render.total.p99)} ms (TTFB p50 ${fmt(r.render.ttfb.p50)}); snapshot() alone (one statement) p50 ${fmt(r.render.snapshotQueryInProcess.p50)} ms p99 ${fmt(r.render.snapshotQueryInProcess.p99)} ms, of which the cards query executing in Postgres p50 ${fmt(r.render.snapshotQueryExecutionInPostgres.p50)} ms (the same rows as plain columns, without building JSON: ${fmt(r.render.plainColumnsQueryExecutionInPostgres.p50)} ms)`);
		out.push(`HTML ${(r.render.htmlBytes / 1024).toFixed(1)} KB raw, ${(r.render.htmlGzipBytes / 1024).toFixed(1)} KB gzip -6, ${(r.render.htmlBrotliBytes / 1024).toFixed(1)} KB brotli; card elements (data-card) in the HTML: ${r.render.cardElementsInHtml}`);
		out.push(`of which the hydration data <script>: ${(r.render.hydrationScriptBytes / 1024).toFixed(1)} KB raw, ${(r.render.hydrationScriptGzipBytes / 1024).toFixed(1)} KB gzip, ${r.render.cardsInPageData} of ${r.render.cards} cards (the page is saved to /tmp/bench-board.html)`);
		const fs = r.render.firstSync;
		out.push(
			`the page carries the first screenful (${FIRST_CARDS} cards per column) and the counts; the rest comes with the screen's first board:sync { full: true, sparse: true }: ` +
				`${fs.kind} of ${fs.cards} cards, ${(fs.bytes / 1024).toFixed(1)} KB JSON on the WebSocket (uncompressed; ${(fs.gzipBytes / 1024).toFixed(1)} KB if gzipped; the cards whole, as without sparse: ${(fs.wholeBytes / 1024).toFixed(1)} KB), ` +
				`emit → ack on loopback p50 ${fmt(fs.roundTrip.p50)} ms p99 ${fmt(fs.roundTrip.p99)} ms (${fs.roundTrip.n} syncs, board cache warm)`,
			''
		);
	}
	if (r.loads && r.remoteMoves) {
		out.push(`-- Chromium (${r.loads.timing.runs} cold loads) --`);
		out.push(`navigation start → ready [${r.loads.timing.signal}]: p50 ${fmt(r.loads.timing.ready.p50)} ms, p90 ${fmt(r.loads.timing.ready.p90)} ms, max ${fmt(r.loads.timing.ready.max)} ms; load event p50 ${fmt(r.loads.timing.loadEvent.p50)} ms; socket.io connected p50 ${fmt(r.loads.timing.socketConnected.p50)} ms`);
		out.push(`the socket's steps, p50 from navigation start: WebSocket created ${fmt(r.loads.timing.socketCreated.p50)} ms, engine.io open ${fmt(r.loads.timing.engineOpen.p50)} ms, socket.io CONNECT ${fmt(r.loads.timing.socketConnected.p50)} ms, first board:sync answered ${fmt(r.loads.timing.firstSyncAnswered.p50)} ms`);
		const steps = r.loads.timing.steps;
		const step = (name: string, label: string) => (steps[name] ? `${label} ${fmt(steps[name].p50)} ms` : `${label} (not marked)`);
		out.push(`the page's steps, p50 from navigation start: ${[step('domContentLoaded', 'DOMContentLoaded'), step('firstContentfulPaint', 'first contentful paint'), step('wb:init', 'app starts (wb:init)'), step('wb:board', 'board hydration begins (wb:board)'), step('wb:hydrated', 'hydrated (wb:hydrated)'), step('wb:synced', 'first sync applied (wb:synced)')].join(', ')}`);
		if (r.beforeLoads) {
			const b = r.beforeLoads.timing;
			out.push(`before (${BEFORE}), loads alternating with the above: ready p50 ${fmt(b.ready.p50)} ms, p90 ${fmt(b.ready.p90)} ms, max ${fmt(b.ready.max)} ms; load event p50 ${fmt(b.loadEvent.p50)} ms; its socket's steps p50: WebSocket created ${fmt(b.socketCreated.p50)} ms, engine.io open ${fmt(b.engineOpen.p50)} ms, socket.io CONNECT ${fmt(b.socketConnected.p50)} ms, first board:sync answered ${fmt(b.firstSyncAnswered.p50)} ms; JS ${(r.beforeLoads.js.gzip / 1024).toFixed(1)} KB gzip`);
		}
		out.push(`remote move (advisor on inst-b, page on inst-a) → card in its new column: ${r.remoteMoves.applied}/${r.remoteMoves.moves} applied; DOM p50 ${fmt(r.remoteMoves.dom.p50)} ms p99 ${fmt(r.remoteMoves.dom.p99)} ms; next frame p50 ${fmt(r.remoteMoves.frame.p50)} ms p99 ${fmt(r.remoteMoves.frame.p99)} ms${r.remoteMoves.note ? `\n  NOTE: ${r.remoteMoves.note}` : ''}`);
		const busy = (x: Record<string, number>) => `tasks ${x.Task}%, script ${x.Script}%, style ${x.RecalcStyle}%, layout ${x.Layout}%`;
		out.push(`page main thread busy (share of wall time): idle board ${busy(r.remoteMoves.pageBusyPercent.idle)}; while a remote move arrives every ~150 ms ${busy(r.remoteMoves.pageBusyPercent.duringMoves)}`);
		out.push(`board route JS: ${r.loads.js.files.length} files, ${(r.loads.js.raw / 1024).toFixed(1)} KB raw, ${(r.loads.js.gzip / 1024).toFixed(1)} KB gzip`, '');
	}
	if (result.soak) out.push(...soakReport(result.soak as Parameters<typeof soakReport>[0]));
	const profs = result.cpuProfiles as Record<string, { wallMs: number; busyMs: number; byPackage: { what: string; pct: number }[]; byFunction: { what: string; ms: number; pct: number }[] }> | undefined;
	for (const [name, p] of Object.entries(profs ?? {})) {
		out.push(`-- CPU profile ${name}: ${p.busyMs} ms busy of ${p.wallMs} ms (files in ${PROFILE_DIR}) --`);
		out.push('by package: ' + p.byPackage.slice(0, 12).map((x) => `${x.what} ${x.pct}%`).join(', '));
		out.push(table(['function (self time)', 'ms', '% of busy'], p.byFunction.slice(0, 20).map((x) => [x.what, x.ms, x.pct])), '');
	}
	out.push('-- targets --');
	out.push(table(['figure', 'value', 'target', ''], r.targets.map((x) => [x.figure, `${fmt(x.value)} ${x.unit}`, `${x.limit} ${x.unit}`, x.pass ? 'PASS' : 'FAIL'])));
	out.push('', `JSON: ${RESULT_FILE}`);
	console.log(out.join('\n'));
}

// ---- cleanup, whatever happens ---------------------------------------------------------------

/** browser and sockets first, then the processes we started (by PID), then the database */
const earlyCleanups: (() => Promise<unknown> | unknown)[] = [];
const dbCleanups: (() => Promise<unknown> | unknown)[] = [];
let cleaning: Promise<void> | undefined;
function cleanup(): Promise<void> {
	cleaning ??= (async () => {
		const step = async (c: () => Promise<unknown> | unknown) => {
			try {
				await c();
			} catch (error) {
				log(`cleanup: ${(error as Error).message}`);
			}
		};
		for (const c of earlyCleanups) await step(c);
		const left = startedPids();
		if (left.length) log(`stopping ${left.map((p) => `${p.name}(${p.pid})`).join(', ')}`);
		await step(stopAll);
		for (const c of dbCleanups) await step(c);
		rmSync(WORK, { recursive: true, force: true });
	})();
	return cleaning;
}

const watchdog = setTimeout(() => {
	log(`watchdog: still running after ${WATCHDOG_MS / 60_000} min, stopping`);
	void cleanup().finally(() => process.exit(2));
}, WATCHDOG_MS);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
	process.once(signal, () => {
		log(`${signal}: stopping`);
		void cleanup().finally(() => process.exit(130));
	});
}

let exitCode = 0;
try {
	await main();
} catch (error) {
	exitCode = 1;
	log(`FAILED: ${(error as Error).stack ?? error}`);
} finally {
	clearTimeout(watchdog);
	await cleanup();
}
process.exit(exitCode);
