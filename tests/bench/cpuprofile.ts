/**
 * Optional (BENCH_CPU_PROF=1): a V8 CPU profile of an app instance over one phase, taken through
 * the inspector protocol of an instance started with --inspect=127.0.0.1:0, summarized by self time
 * per function and per package.
 */
import { writeFileSync } from 'node:fs';
import WebSocket from 'ws';
import type { Proc } from './procs';
import { round } from './stats';

interface ProfileNode {
	id: number;
	callFrame: { functionName: string; url: string; lineNumber: number };
	children?: number[];
}
interface Profile {
	nodes: ProfileNode[];
	samples: number[];
	timeDeltas: number[];
	startTime: number;
	endTime: number;
}

export class Inspector {
	#ws: WebSocket;
	#next = 1;
	#pending = new Map<number, (result: unknown) => void>();

	private constructor(ws: WebSocket) {
		this.#ws = ws;
		ws.on('message', (data) => {
			const m = JSON.parse(String(data)) as { id?: number; result?: unknown };
			if (m.id && this.#pending.has(m.id)) {
				this.#pending.get(m.id)!(m.result);
				this.#pending.delete(m.id);
			}
		});
	}

	static async attach(proc: Proc): Promise<Inspector> {
		const line = await proc.waitFor(/Debugger listening on ws:\/\//, 30_000);
		const url = /(ws:\/\/\S+)/.exec(line)![1];
		const ws = new WebSocket(url);
		await new Promise((resolve, reject) => {
			ws.once('open', resolve);
			ws.once('error', reject);
		});
		const inspector = new Inspector(ws);
		await inspector.send('Profiler.enable');
		await inspector.send('Profiler.setSamplingInterval', { interval: 500 });
		return inspector;
	}

	send<T = unknown>(method: string, params: Record<string, unknown> = {}): Promise<T> {
		const id = this.#next++;
		return new Promise((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error(`inspector: no answer to ${method}`)), 60_000);
			this.#pending.set(id, (r) => {
				clearTimeout(timer);
				resolve(r as T);
			});
			this.#ws.send(JSON.stringify({ id, method, params }));
		});
	}

	async profile<T>(file: string, run: () => Promise<T>): Promise<{ value: T; summary: ReturnType<typeof summarizeProfile> }> {
		await this.send('Profiler.start');
		const value = await run();
		const { profile } = await this.send<{ profile: Profile }>('Profiler.stop');
		writeFileSync(file, JSON.stringify(profile));
		return { value, summary: summarizeProfile(profile) };
	}

	close() {
		this.#ws.close();
	}
}

const packageOf = (url: string) => {
	if (!url) return '(native/V8)';
	const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
	if (nm) return nm[1];
	if (url.startsWith('node:')) return 'node core';
	if (/^https?:/.test(url)) return url.replace(/^https?:\/\/[^/]+\//, '');
	const src = /\/(src\/.*|build\/.*)$/.exec(url);
	return src ? src[1].split('/').slice(0, 4).join('/') : url;
};

export function summarizeProfile(profile: Profile, top = 25) {
	const byId = new Map(profile.nodes.map((n) => [n.id, n]));
	const self = new Map<number, number>();
	profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
	let idle = 0;
	for (const [id, us] of self) if (byId.get(id)!.callFrame.functionName === '(idle)') idle += us;
	const total = [...self.values()].reduce((s, x) => s + x, 0) - idle;
	const fn = new Map<string, number>();
	const pkg = new Map<string, number>();
	for (const [id, us] of self) {
		const n = byId.get(id)!;
		const name = n.callFrame.functionName || '(anonymous)';
		if (name === '(idle)') continue;
		const where = n.callFrame.url ? `${n.callFrame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/(src|build)\//, '$1/').replace(/^https?:\/\/[^/]+\//, '')}:${n.callFrame.lineNumber + 1}` : '';
		const key = `${name} ${where}`.trim();
		fn.set(key, (fn.get(key) ?? 0) + us);
		const p = ['(idle)', '(program)', '(garbage collector)'].includes(name) ? name : packageOf(n.callFrame.url);
		pkg.set(p, (pkg.get(p) ?? 0) + us);
	}
	const share = (m: Map<string, number>) =>
		[...m]
			.sort((a, b) => b[1] - a[1])
			.slice(0, top)
			.map(([k, us]) => ({ what: k, ms: round(us / 1000, 1), pct: round((100 * us) / total, 1) }));
	return { wallMs: round((profile.endTime - profile.startTime) / 1000, 0), busyMs: round(total / 1000, 0), idleMs: round(idle / 1000, 0), byFunction: share(fn), byPackage: share(pkg) };
}
