import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
/**
 * The processes the benchmark starts itself: each is recorded by PID and stopped by that PID in the
 * end (SIGTERM, then SIGKILL), never by name.
 */
import { spawn, fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { freePort } from '../../src/lib/server/db/embedded';
import { sleep } from './stats';

const started = new Map<number, { name: string; child: ChildProcess }>();

export function startedPids(): { pid: number; name: string }[] {
	return [...started].map(([pid, { name }]) => ({ pid, name }));
}

export { freePort };

export interface Proc {
	name: string;
	pid: number;
	child: ChildProcess;
	/** the process's output so far (last 64 KB) */
	output(): string;
	/** resolves when a line of output matches, rejects on exit or after `timeoutMs` */
	waitFor(pattern: RegExp, timeoutMs: number): Promise<string>;
	stop(): Promise<void>;
}

function track(name: string, child: ChildProcess, echo: boolean): Proc {
	if (!child.pid) throw new Error(`${name}: could not start`);
	const pid = child.pid;
	started.set(pid, { name, child });
	let out = '';
	const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
	// BENCH_PROC_LOG_DIR: every process's whole output also goes to <dir>/<name>.log
	const logFile = process.env.BENCH_PROC_LOG_DIR ? path.join(process.env.BENCH_PROC_LOG_DIR, `${name}.log`) : undefined;
	if (logFile) mkdirSync(path.dirname(logFile), { recursive: true });
	const onData = (chunk: Buffer) => {
		const text = chunk.toString();
		if (logFile) appendFileSync(logFile, text);
		out = (out + text).slice(-65536);
		if (echo) for (const l of text.split('\n')) if (l.trim()) process.stderr.write(`  [${name}] ${l}\n`);
		for (const w of [...waiters]) {
			const line = out.split('\n').find((l) => w.pattern.test(l));
			if (line !== undefined) {
				waiters.splice(waiters.indexOf(w), 1);
				w.resolve(line);
			}
		}
	};
	child.stdout?.on('data', onData);
	child.stderr?.on('data', onData);
	let exited = false;
	const exit = new Promise<void>((resolve) =>
		child.once('exit', () => {
			exited = true;
			started.delete(pid);
			resolve();
		})
	);
	return {
		name,
		pid,
		child,
		output: () => out,
		waitFor(pattern, timeoutMs) {
			const line = out.split('\n').find((l) => pattern.test(l));
			if (line !== undefined) return Promise.resolve(line);
			return new Promise((resolve, reject) => {
				const timer = setTimeout(() => reject(new Error(`${name}: no ${pattern} within ${timeoutMs} ms\n${out.slice(-3000)}`)), timeoutMs);
				waiters.push({ pattern, resolve: (l) => (clearTimeout(timer), resolve(l)) });
				void exit.then(() => {
					clearTimeout(timer);
					reject(new Error(`${name} exited (code ${child.exitCode})\n${out.slice(-3000)}`));
				});
			});
		},
		async stop() {
			if (exited) return;
			try {
				process.kill(pid, 'SIGTERM');
			} catch {
				return;
			}
			const killed = await Promise.race([exit.then(() => true), sleep(4000).then(() => false)]);
			if (!killed) {
				try {
					process.kill(pid, 'SIGKILL');
				} catch {
					/* gone */
				}
				await Promise.race([exit, sleep(2000)]);
			}
		}
	};
}

export function startProcess(
	name: string,
	command: string,
	args: string[],
	options: { cwd?: string; env?: NodeJS.ProcessEnv; echo?: boolean } = {}
): Proc {
	const child = spawn(command, args, {
		cwd: options.cwd,
		env: options.env ?? process.env,
		stdio: ['ignore', 'pipe', 'pipe']
	});
	return track(name, child, options.echo ?? false);
}

/** A TypeScript module as a child process with an IPC channel (structured-clone serialization). */
export function forkTs(name: string, modulePath: string, args: string[] = [], env?: NodeJS.ProcessEnv): Proc {
	const child = fork(modulePath, args, {
		execArgv: ['--import', 'tsx'],
		serialization: 'advanced',
		stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
		env: env ?? process.env
	});
	return track(name, child, true);
}

/** Stops every process still running that this benchmark started, by PID. */
export async function stopAll(): Promise<void> {
	const all = [...started].map(([pid, { name, child }]) => ({ pid, name, child }));
	await Promise.all(
		all.map(async ({ pid, child }) => {
			try {
				process.kill(pid, 'SIGTERM');
			} catch {
				return;
			}
			const gone = await Promise.race([
				new Promise<boolean>((r) => (child.exitCode !== null || child.signalCode !== null ? r(true) : child.once('exit', () => r(true)))),
				sleep(4000).then(() => false)
			]);
			if (!gone) {
				try {
					process.kill(pid, 'SIGKILL');
				} catch {
					/* gone */
				}
			}
		})
	);
}

/** Resident set size of a process in bytes (Linux /proc). */
export function rssBytes(pid: number): number {
	const status = readFileSync(`/proc/${pid}/status`, 'utf8');
	const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1]);
	return kb * 1024;
}

/** CPU time (user+sys) of a process in seconds (Linux /proc). */
export function cpuSeconds(pid: number): number {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (100 Hz)
	} catch {
		return NaN;
	}
}

/** Sends a request over a forked child's IPC channel and waits for the answer with the same id. */
let nextId = 1;
export function ask<T>(proc: Proc, message: Record<string, unknown>, timeoutMs = 120_000): Promise<T> {
	const id = nextId++;
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			proc.child.off('message', onMessage);
			reject(new Error(`${proc.name}: no answer to ${String(message.cmd)} within ${timeoutMs} ms`));
		}, timeoutMs);
		const onMessage = (m: { id?: number; error?: string } & T) => {
			if (m?.id !== id) return;
			clearTimeout(timer);
			proc.child.off('message', onMessage);
			if (m.error) reject(new Error(`${proc.name}: ${m.error}`));
			else resolve(m);
		};
		proc.child.on('message', onMessage);
		proc.child.send({ ...message, id });
	});
}

/** Busy and total jiffies of the whole machine (all cores), from /proc/stat. */
export function machineJiffies(): { busy: number; total: number } {
	const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
	const v = line.trim().split(/\s+/).slice(1).map(Number);
	const idle = v[3] + (v[4] ?? 0);
	const total = v.reduce((s, x) => s + x, 0);
	return { busy: total - idle, total };
}

/** CPU seconds per PID now (processes gone are left out). */
export function cpuByPid(pids: number[]): Map<number, number> {
	const m = new Map<number, number>();
	for (const pid of pids) {
		const s = cpuSeconds(pid);
		if (!Number.isNaN(s)) m.set(pid, s);
	}
	return m;
}

/** CPU seconds used between two cpuByPid readings, by the processes present in both. */
export function cpuBetween(before: Map<number, number>, after: Map<number, number>): number {
	let sum = 0;
	for (const [pid, s] of after) if (before.has(pid)) sum += s - before.get(pid)!;
	return sum;
}
