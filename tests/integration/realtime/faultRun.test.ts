/**
 * The fault run (G1, G2, G5, G6): advisors move cards with idempotency keys through two app
 * instances, each its own process, behind a Redis and a Postgres the test runs itself, while wall
 * screens watch. Mid-run one instance is SIGKILLed and replaced, Redis is killed and started
 * again, and Postgres is shut down (immediate shutdown, a crash to clients and to the data dir)
 * with a COMMIT on the wire, kept down while the advisors keep sending, and started again on the
 * same port and data dir. Every command is logged as ok / failed / unknown; unknowns are retried
 * with the same key. Afterwards: nothing acknowledged is missing, nothing was applied twice, the
 * SQL invariants hold, and every screen converges to exactly the database's board (how long each
 * took is printed).
 */
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { connect, type Sql } from '../../../src/lib/server/db/connect';
import { migrate } from '../../../src/lib/server/db/migrate';
import { addStore, invariantViolations, snapshot, type FixtureStore } from '../helpers/boardFixture';
import { cleanup } from '../helpers/apps';
import { Advisor, Screen, until, type LoggedCommand } from '../helpers/clients';
import { spawnInstance, startRedis, type Child } from '../helpers/processes';
import {
	initPostgres,
	startPostgres,
	type PostgresCluster,
	type PostgresServer
} from '../helpers/postgresProcess';

const HEARTBEAT_MS = 1_000;
/** ok answers between two faults; Redis stays down for longer, so that ioredis backs off */
const PHASE = 50;
const REDIS_DOWN = 120;
/** how long Postgres stays down; the advisors' retries of `unavailable` back off 50, 100, ... ms */
const POSTGRES_DOWN_MS = 1_500;
/** the longest a screen may go without a head heartbeat once Postgres is back (G6's backstop) */
const MAX_SILENCE_MS = 5 * HEARTBEAT_MS;
/** the advisory lock that holds a COMMIT on the wire until Postgres goes down */
const HOLD_COMMIT_LOCK = 727_424_242;

const opened = cleanup();
let stop = false;
let cluster: PostgresCluster;
let pg: PostgresServer;
let db: { sql: Sql; url: string };
let store: FixtureStore;
let redis: Child & { url: string };
const instances: Record<'a' | 'b', Child & { url: string }> = {} as never;

const timeline: string[] = [];
const t0 = performance.now();
const mark = (what: string) => timeline.push(`${((performance.now() - t0) / 1000).toFixed(2)}s ${what}`);
/** processes that ended without the test killing them: a crash, which fails the run at once */
const crashes: string[] = [];
const watch = <C extends Child>(child: C): C => {
	void child.exited.then((status) => {
		if (child.killed) return;
		crashes.push(`${child.name} (pid ${child.pid}) died by itself: ${status}`);
		mark(crashes.at(-1)!);
	});
	return child;
};

beforeAll(async () => {
	// the run's own Postgres: stopping it must not touch the machine's shared one on 5432
	cluster = opened.add(await initPostgres(), (c) => c.remove());
	pg = watch(await startPostgres(cluster));
	// whichever server is current at the end (the restarted one), by its PID
	opened.add(null, () => pg.stop());
	const admin = connect(cluster.url('postgres'), 1);
	try {
		await admin`create database faultrun`;
	} finally {
		await admin.end();
	}
	db = { url: cluster.url('faultrun'), sql: connect(cluster.url('faultrun')) };
	opened.add(null, () => db.sql.end({ timeout: 2 }));
	await migrate(db.sql, fileURLToPath(new URL('../../../db/migrations', import.meta.url)));
	store = await addStore(db.sql, { cards: 12 });
	redis = watch(await startRedis());
	opened.add(null, () => redis.kill());
	const spawn = async (name: string, port?: number) =>
		watch(
			await spawnInstance({
				name,
				port,
				databaseUrl: db.url,
				redisUrl: redis.url,
				heartbeatMs: HEARTBEAT_MS
			})
		);
	[instances.a, instances.b] = await Promise.all([spawn('inst-a'), spawn('inst-b')]);
	opened.add(null, () => Promise.all([instances.a.kill(), instances.b.kill()]));
	for (const child of [pg, redis, instances.a, instances.b]) {
		mark(`${child.name} pid ${child.pid} on port ${child.port}`);
	}
	mark(`postgres data dir ${cluster.dataDir}, binaries ${cluster.bin}`);
});
afterAll(() => opened.run());

describe('fault run: an instance SIGKILLed, Redis and Postgres restarted under load', () => {
	it('loses no acknowledged move, applies none twice, and every screen converges to the database', { timeout: 120_000 }, async () => {
		onTestFailed(() => {
			stop = true;
			console.log(['[fault run] timeline:', ...timeline.map((line) => `  ${line}`)].join('\n'));
			for (const child of [pg, redis, instances.a, instances.b]) {
				console.log(`[fault run] ${child.name} output:\n${child.output.join('').slice(-3_000)}`);
			}
		});
		// the advisors' choices; FAULT_SEED=<seed from the log> replays a run's choices
		const random = Number(process.env.FAULT_SEED) || fc.sample(fc.integer({ min: 1, max: 2 ** 31 - 1 }), 1)[0];
		let seed = random;
		mark(`seed ${random}`);
		// mulberry32
		const rng = () => {
			seed = (seed + 0x6d2b79f5) | 0;
			let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
			t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
			return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
		};
		const page = () => snapshot(db.sql, store.id);
		const start = await page();

		const screens: Screen[] = [];
		/** when each screen heard the head heartbeat (ms since t0) */
		const beats = new Map<Screen, number[]>();
		for (let i = 0; i < 6; i++) {
			const inst = i % 2 ? instances.b : instances.a;
			const screen = new Screen(`tv${i + 1}@${inst.name}`, inst.url, store, page);
			beats.set(screen, []);
			screen.socket.on('board:head', () => beats.get(screen)!.push(performance.now() - t0));
			screens.push(opened.add(await screen.start(), (s) => s.stop()));
		}
		// five advisors, three of them on the instance that will be killed; each owns two cards and
		// all fight over two more
		const shared = store.cardIds.slice(10, 12);
		const advisors: Advisor[] = [];
		for (let i = 0; i < 5; i++) {
			const inst = i < 3 ? instances.a : instances.b;
			const own = store.cardIds.slice(2 * i, 2 * i + 2);
			advisors.push(
				opened.add(
					await new Advisor(`adv${i + 1}`, inst.url, store, own, shared, rng, {
						thinkMs: 60,
						dropRate: 0.04,
						ackTimeoutMs: 3_000
					}).start(start),
					(adv) => adv.stop()
				)
			);
		}

		let oks = 0;
		const running = Promise.all(advisors.map((adv) => adv.run(() => stop, () => oks++)));
		// after a failure the advisors' sockets are closed under them; awaited below otherwise
		running.catch(() => {});
		const okCount = (n: number) =>
			until(
				() => {
					if (crashes.length > 0) throw new Error(crashes.join('; '));
					return oks >= n;
				},
				`${n} acknowledged moves`,
				30_000
			);
		mark('advisors started');

		const replace = async (which: 'a' | 'b') => {
			const old = instances[which];
			await old.kill('SIGKILL');
			mark(`SIGKILL ${old.name} (pid ${old.pid}) after ${oks} ok`);
			instances[which] = watch(
				await spawnInstance({
					name: `${old.name}'`,
					port: old.port,
					databaseUrl: db.url,
					redisUrl: redis.url,
					heartbeatMs: HEARTBEAT_MS
				})
			);
			mark(`replacement ${instances[which].name} pid ${instances[which].pid} on the same port`);
		};
		const killRedis = async () => {
			await redis.kill('SIGKILL');
			mark(`SIGKILL redis (pid ${redis.pid}) after ${oks} ok`);
		};
		const restartRedis = async () => {
			redis = watch(await startRedis(redis.port));
			mark(`redis restarted on the same port, pid ${redis.pid}, after ${oks} ok`);
		};
		// how many answers each command had got by now, and every answer that came after
		const answered = () =>
			new Map(advisors.flatMap((adv) => adv.log.map((c) => [c, c.attempts.length] as const)));
		const answersSince = (then: Map<LoggedCommand, number>) =>
			advisors.flatMap((adv) => adv.log.flatMap((c) => c.attempts.slice(then.get(c) ?? 0)));
		const tally = (list: string[]) =>
			list.map((a) => a.replace(/^unknown: .*/, 'unknown')).reduce<Record<string, number>>(
				(m, a) => ({ ...m, [a]: (m[a] ?? 0) + 1 }),
				{}
			);
		const outage = { ms: 0, answers: {} as Record<string, number>, heldCommit: '', backAt: 0 };
		const restartPostgres = async () => {
			// A crash that lands between a move's last statement and its COMMIT's answer is what tells
			// "ack after COMMIT" from "ack before COMMIT", but that window is a fraction of a
			// millisecond. So the test makes one COMMIT wait on the wire: a deferred trigger (fired at
			// COMMIT, before the commit record) waits for an advisory lock the test holds, and
			// Postgres goes down while it waits. (Moves commit one at a time per store, on the
			// store's sequence row, so one COMMIT is held and the other advisors' moves wait behind it.)
			// its own client, not a reserve() of the pool: a reserved connection that dies under its
			// holder can throw out of postgres.js 3.4.9's write timer; this one is only ended
			const holder = connect(db.url, 1);
			await holder`select pg_advisory_lock(${HOLD_COMMIT_LOCK})`;
			await db.sql.unsafe(`
				create function faultrun_hold_commit() returns trigger language plpgsql as $$
				begin
					perform pg_advisory_xact_lock(${HOLD_COMMIT_LOCK});
					return null;
				end $$`);
			await db.sql`
				create constraint trigger faultrun_hold_commit after insert on board_events
				deferrable initially deferred for each row execute function faultrun_hold_commit()`;
			const [held] = await until(
				async () =>
					(
						await db.sql`
							select 1 from pg_locks
							where locktype = 'advisory' and objid = ${HOLD_COMMIT_LOCK} and not granted`
					).length > 0,
				'a COMMIT waits for the held lock',
				10_000,
				5
			).then(() =>
				db.sql<{ seq: number; waiting: number }[]>`
					select (select last_seq::int from store_sequences where store_id = ${store.id}) as seq,
						(select count(*)::int from pg_stat_activity
							where wait_event_type = 'Lock' and datname = current_database()) as waiting`
			);
			// uncommitted, but visible to nobody else: the sequence row shows the last committed seq
			outage.heldCommit =
				`a COMMIT held on the wire after seq ${held.seq}, ` +
				`${held.waiting} backends waiting on locks`;
			const before = answered();
			await pg.crash();
			const down = performance.now();
			mark(
				`immediate shutdown of postgres (SIGQUIT to postmaster pid ${pg.pid}) after ${oks} ok, ` +
					outage.heldCommit
			);
			// an outage of a set length is the point here: the advisors keep sending meanwhile
			await new Promise((resolve) => setTimeout(resolve, POSTGRES_DOWN_MS));
			const during = answersSince(before);
			pg = watch(await startPostgres(cluster));
			outage.ms = Math.round(performance.now() - down);
			outage.backAt = performance.now() - t0;
			outage.answers = tally(during);
			await holder.end({ timeout: 0 });
			mark(
				`postgres started again on the same port and data dir, pid ${pg.pid}, after ` +
					`${outage.ms} ms down; answers while down: ${JSON.stringify(outage.answers)}`
			);
			// the next query of this pool reconnects; the trigger goes, commits are unhindered again
			await db.sql`drop trigger faultrun_hold_commit on board_events`;
			await db.sql`drop function faultrun_hold_commit()`;
		};

		await okCount(PHASE);
		await replace('a');
		await okCount(oks + PHASE);
		await killRedis();
		await okCount(oks + REDIS_DOWN);
		await restartRedis();
		await okCount(oks + PHASE);
		await replace('b');
		await okCount(oks + PHASE);
		await restartPostgres();
		await okCount(oks + PHASE);
		mark(`moves commit again after the postgres restart: ${oks} ok`);
		// the run ends while Redis is down: the last moves reach only the screens of the instance that
		// committed them, and the other screens must find out from the heartbeat
		await killRedis();
		await okCount(oks + PHASE);
		stop = true;
		await running;
		expect(crashes, 'processes that died by themselves').toEqual([]);
		const writesEnded = performance.now();
		mark(`advisors stopped after ${oks} ok`);

		// every screen must show exactly the board in the database
		const truth = await page();
		const convergence = await Promise.all(
			screens.map(async (screen) => {
				const ms = await until(() => screen.shows(truth), `${screen.name} converges`, 15_000, 10).then(
					() => Math.round(performance.now() - writesEnded),
					() => null
				);
				return { screen: screen.name, ms, head: screen.head, ...screen.stats };
			})
		);
		const report = () =>
			console.log(
				[
					'[fault run] timeline:',
					...timeline.map((line) => `  ${line}`),
					'[fault run] convergence after the last write (ms; null: never) and screen stats:',
					...convergence.map((c) => `  ${JSON.stringify(c)}`),
					'[fault run] heartbeats heard after postgres came back (s since start):',
					...screens.map(
						(s) =>
							`  ${s.name}: ${beats
								.get(s)!
								.filter((at) => at >= outage.backAt)
								.map((at) => (at / 1000).toFixed(1))
								.join(' ')}`
					),
					`[fault run] database head ${truth.head}`
				].join('\n')
			);
		if (convergence.some((c) => c.ms === null)) {
			report();
			expect(convergence.filter((c) => c.ms === null), 'screens that never converged').toEqual([]);
		}
		mark('all screens converged');
		// The heartbeat is what tells a screen that it missed the last event (G6), so each instance
		// must keep it going once Postgres is back, whatever its pool went through.
		const convergedAt = performance.now() - t0;
		const silences = screens.map((s) => {
			const heard = beats.get(s)!.filter((at) => at > outage.backAt);
			const times = [outage.backAt, ...heard, convergedAt];
			return {
				screen: s.name,
				longestMs: Math.round(Math.max(...times.slice(1).map((at, i) => at - times[i])))
			};
		});
		mark(
			'longest heartbeat silence per screen since postgres came back (ms): ' +
				silences.map((x) => `${x.screen} ${x.longestMs}`).join(', ')
		);
		if (silences.some((x) => x.longestMs > MAX_SILENCE_MS)) report();
		expect(
			silences.filter((x) => x.longestMs > MAX_SILENCE_MS),
			`screens without a heartbeat for over ${MAX_SILENCE_MS} ms after the postgres restart`
		).toEqual([]);
		await restartRedis();

		// and live delivery across instances comes back with Redis (G5). Until both instances have
		// reconnected to it (ioredis backs off), a broadcast can still be lost for the other
		// instance's screens, which then catch up from the heartbeat; so probe with one move at a
		// time, sent to instance b', until a move reaches every screen live, including those on a'.
		const redisBack = performance.now();
		const probes: string[] = [];
		let liveAgainMs: number | null = null;
		while (liveAgainMs === null && performance.now() - redisBack < 20_000) {
			let probed = false;
			await advisors[4].run(
				() => probed,
				() => (probed = true)
			);
			const seq = advisors[4].log.at(-1)!.events[0].seq;
			const heard = await until(() => screens.every((s) => s.live.has(seq)), 'probe heard', 2_000).then(
				() => true,
				() => false
			);
			const deaf = screens.filter((s) => !s.live.has(seq)).map((s) => s.name);
			probes.push(`seq ${seq}${deaf.length ? ` not heard live by ${deaf.join(', ')}` : ' heard by all'}`);
			if (heard) liveAgainMs = Math.round(performance.now() - redisBack);
		}
		mark(`live delivery to every screen ${liveAgainMs} ms after Redis came back; probes: ${probes.join('; ')}`);
		if (liveAgainMs === null) report();
		expect(liveAgainMs, 'a move reaches every screen live again after Redis is back').not.toBeNull();
		const finalTruth = await page();
		await until(() => screens.every((s) => s.shows(finalTruth)), 'screens show the last move');

		// the command log against the database
		const log: LoggedCommand[] = advisors.flatMap((adv) => adv.log);
		const results = new Map(
			(
				await db.sql<{ key: string; seq: number }[]>`
					select idempotency_key as key, (result ->> 'seq')::int as seq
					from command_results where store_id = ${store.id}`
			).map((r) => [r.key, r.seq])
		);
		const events = new Map(
			(
				await db.sql<{ seq: number; payload: unknown }[]>`
					select seq::int, payload from board_events where store_id = ${store.id}`
			).map((r) => [r.seq, r.payload])
		);
		const acked = log.filter((c) => c.outcome === 'ok');
		const ackedMissing = acked.filter(
			(c) =>
				results.get(c.command.idempotencyKey) !== c.events[0].seq ||
				JSON.stringify(events.get(c.events[0].seq)) === undefined
		);
		const ackedDifferent = acked.filter(
			(c) => !c.events.every((e) => JSON.stringify(e) === JSON.stringify(c.events[0])) ||
				JSON.stringify(sortKeys(events.get(c.events[0].seq))) !== JSON.stringify(sortKeys(c.events[0]))
		);
		const appliedTwice = acked.filter((c) => new Set(c.events.map((e) => e.seq)).size > 1);
		const refusedButApplied = log.filter(
			(c) => c.outcome === 'failed' && results.has(c.command.idempotencyKey)
		);
		const issuedKeys = new Set(log.map((c) => c.command.idempotencyKey));
		const strangers = [...results.keys()].filter((key) => !issuedKeys.has(key));
		const unresolved = log.filter((c) => c.outcome === 'unknown');
		const summary = {
			seed: random,
			commands: log.length,
			ok: acked.length,
			failed: log.filter((c) => c.outcome === 'failed').length,
			unknownAtFirst: log.filter((c) => /^(unknown|unavailable)/.test(c.attempts[0] ?? '')).length,
			retried: log.filter((c) => c.attempts.length > 1).length,
			replayed: log.filter((c) => c.replayed).length,
			unresolved: unresolved.length,
			ackedMissing: ackedMissing.length,
			ackedDifferent: ackedDifferent.length,
			duplicates: appliedTwice.length + refusedButApplied.length + strangers.length,
			events: events.size,
			answers: Object.fromEntries(
				[...log.flatMap((c) => c.attempts.map((a) => a.replace(/^unknown: .*/, 'unknown')))].reduce(
					(m, a) => m.set(a, (m.get(a) ?? 0) + 1),
					new Map<string, number>()
				)
			),
			advisorConnects: advisors.map((a) => a.connects)
		};
		report();
		console.log(`[fault run] commands: ${JSON.stringify(summary)}`);
		console.log(
			`[fault run] postgres outage: ${outage.ms} ms down, ${outage.heldCommit}; ` +
				`answers while down: ${JSON.stringify(outage.answers)}`
		);

		expect(ackedMissing, 'acknowledged but not in the database').toEqual([]);
		expect(ackedDifferent, 'acknowledged differently from the database').toEqual([]);
		expect(appliedTwice, 'applied twice').toEqual([]);
		expect(refusedButApplied, 'refused but applied').toEqual([]);
		expect(strangers, 'applied but never issued').toEqual([]);
		expect(unresolved, 'never settled').toEqual([]);
		// unknown outcomes were really there and were really resolved by retries
		expect(summary.unknownAtFirst).toBeGreaterThan(0);
		expect(summary.replayed).toBeGreaterThan(0);
		// the Postgres outage was under load: commands sent meanwhile were answered as unavailable
		// (or not at all) and, being in the log above, were settled by retries
		expect(
			Object.keys(outage.answers).filter((a) => a === 'unavailable' || a === 'unknown'),
			'answers while postgres was down'
		).not.toEqual([]);
		// the screens on the killed instance came back by themselves
		for (const s of screens) expect(s.stats.connects).toBeGreaterThanOrEqual(2);
		expect(await invariantViolations(db.sql)).toEqual([]);
	});
});

function sortKeys(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(sortKeys);
	if (value && typeof value === 'object') {
		return Object.fromEntries(
			Object.entries(value)
				.sort(([a], [b]) => (a < b ? -1 : 1))
				.map(([k, v]) => [k, sortKeys(v)])
		);
	}
	return value;
}
