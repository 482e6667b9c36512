import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '../../../src/lib/server/db/embedded';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';

/**
 * Processes a test starts itself: app instances, a Redis server, a Postgres server
 * (postgresProcess.ts). Each is recorded by PID and stopped by PID, never by name; whatever is
 * still running when the test process exits is killed, each with its own last signal.
 */
const started = new Map<ChildProcess, NodeJS.Signals>();
process.on('exit', () => {
	for (const [child, signal] of started) {
		if (child.exitCode === null && child.signalCode === null) child.kill(signal);
	}
});

export interface Child {
	name: string;
	pid: number;
	port: number;
	/** the process's output so far, for failure messages */
	output: string[];
	/** SIGKILL by PID; resolves when it is gone */
	kill(signal?: NodeJS.Signals): Promise<void>;
	/** resolves when it is gone, with how it ended: `exit code 1`, `signal SIGKILL` */
	exited: Promise<string>;
	/** whether `kill` was called: an exit without it is a crash */
	readonly killed: boolean;
}

export { freePort };

export interface LaunchOptions {
	cwd?: string;
	/** run as this user (a root test process starting Postgres, which refuses to run as root) */
	uid?: number;
	gid?: number;
	/** sent if the test process exits with the child still running; default SIGKILL */
	lastSignal?: NodeJS.Signals;
}

/** Spawns `command` and resolves once its stdout or stderr matched `ready`. */
export function launch(
	name: string,
	command: string,
	args: string[],
	env: NodeJS.ProcessEnv,
	ready: RegExp,
	timeoutMs: number,
	options: LaunchOptions = {}
): Promise<{ child: ChildProcess; match: RegExpMatchArray; output: string[] }> {
	const child = spawn(command, args, {
		env,
		stdio: ['ignore', 'pipe', 'pipe'],
		cwd: options.cwd ?? process.cwd(),
		uid: options.uid,
		gid: options.gid
	});
	started.set(child, options.lastSignal ?? 'SIGKILL');
	child.once('exit', () => started.delete(child));
	const output: string[] = [];
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(new Error(`${name} not ready after ${timeoutMs} ms:\n${output.join('')}`));
		}, timeoutMs);
		// Redis and the instances say so on stdout, Postgres on stderr
		let waiting = true;
		const onData = (chunk: Buffer) => {
			output.push(chunk.toString());
			if (!waiting) return;
			const match = output.join('').match(ready);
			if (match) {
				waiting = false;
				clearTimeout(timer);
				resolve({ child, match, output });
			}
		};
		child.stdout!.on('data', onData);
		child.stderr!.on('data', onData);
		child.once('error', (error) => {
			clearTimeout(timer);
			reject(error);
		});
		child.once('exit', (code, signal) => {
			clearTimeout(timer);
			reject(new Error(`${name} exited (${code ?? signal}) before ready:\n${output.join('')}`));
		});
	});
}

export function asChild(name: string, child: ChildProcess, port: number, output: string[]): Child {
	const status = () =>
		child.signalCode !== null ? `signal ${child.signalCode}` : `exit code ${child.exitCode}`;
	const exited = new Promise<string>((resolve) => {
		if (child.exitCode !== null || child.signalCode !== null) resolve(status());
		else child.once('exit', () => resolve(status()));
	});
	let killed = false;
	return {
		name,
		pid: child.pid!,
		port,
		output,
		exited,
		get killed() {
			return killed;
		},
		async kill(signal = 'SIGKILL') {
			killed = true;
			if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, signal);
			await exited;
		}
	};
}

const instanceEntry = path.join(path.dirname(fileURLToPath(import.meta.url)), 'instance.ts');

/** An app instance in its own process (helpers/instance.ts run by tsx). Port 0: any free port. */
export async function spawnInstance(options: {
	name: string;
	port?: number;
	databaseUrl: string;
	redisUrl?: string;
	heartbeatMs?: number;
}): Promise<Child & { url: string }> {
	const { child, match, output } = await launch(
		options.name,
		process.execPath,
		['--import', 'tsx', instanceEntry],
		{
			...process.env,
			PORT: String(options.port ?? 0),
			DATABASE_URL: options.databaseUrl,
			REDIS_URL: options.redisUrl ?? '',
			INSTANCE_NAME: options.name,
			HEARTBEAT_MS: String(options.heartbeatMs ?? '')
		},
		/READY (\d+)/,
		30_000
	);
	const port = Number(match[1]);
	const url = `http://127.0.0.1:${port}`;
	return Object.assign(asChild(options.name, child, port, output), { url });
}

/** A throwaway Redis on loopback: no persistence, so a restart starts empty, as after a crash. */
export async function startRedis(port?: number): Promise<Child & { url: string }> {
	const p = port ?? (await freePort());
	const { child, output } = await launch(
		`redis-server:${p}`,
		'redis-server',
		['--port', String(p), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', '/tmp'],
		process.env,
		/Ready to accept connections/,
		10_000
	);
	const url = `redis://127.0.0.1:${p}`;
	return Object.assign(asChild(`redis-server:${p}`, child, p, output), { url });
}

/** Fails, with the reason, when the Redis at `url` does not answer (tests never skip). */
export async function requireRedis(url: string): Promise<void> {
	const client = new Redis(url, {
		lazyConnect: true,
		connectTimeout: 3_000,
		maxRetriesPerRequest: 0,
		retryStrategy: () => null
	});
	client.on('error', () => {});
	try {
		await client.connect();
		await client.ping();
	} catch (error) {
		throw new Error(`Redis at ${url} is unreachable (${(error as Error).message}); set REDIS_URL`);
	} finally {
		client.disconnect();
	}
}
