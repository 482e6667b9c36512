/**
 * A child process that holds many simulated screens (socket.io-client websockets) and records, for
 * each `card:moved` it receives, (card id, card version, receive time on CLOCK_MONOTONIC). The
 * parent joins these with the send times of its advisors: one clock for every process.
 *
 * Commands arrive over IPC: connect, collect, stats, disconnect.
 */
import type { Socket } from 'socket.io-client';
import { openSocket } from './clients';

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

interface Group {
	url: string;
	auth: Record<string, unknown>;
	n: number;
	headers?: Record<string, string>;
	/** copied onto each receipt: which server the screen is on */
	tag: number;
}

const sockets: Socket[] = [];
let cardIds: number[] = [];
let versions: number[] = [];
let times: number[] = [];
let tags: number[] = [];
let heads = 0;
let disconnects = 0;
let connectErrors = 0;
let lastError = '';

function connectOne(group: Group, timeoutMs: number): Promise<Socket | string> {
	return new Promise((resolve) => {
		const socket = openSocket(group.url, group.auth, group.headers, timeoutMs);
		const timer = setTimeout(() => {
			socket.disconnect();
			resolve('connect timeout');
		}, timeoutMs);
		socket.on('card:moved', (event: { card: { id: number; version: number } }) => {
			const t = nowMs();
			cardIds.push(event.card.id);
			versions.push(event.card.version);
			times.push(t);
			tags.push(group.tag);
		});
		socket.on('board:head', () => heads++);
		socket.once('connect', () => {
			clearTimeout(timer);
			socket.on('disconnect', () => disconnects++);
			resolve(socket);
		});
		socket.once('connect_error', (error: Error) => {
			clearTimeout(timer);
			connectErrors++;
			socket.disconnect();
			resolve(error.message);
		});
	});
}

async function connect(groups: Group[], concurrency: number, timeoutMs: number) {
	const todo: Group[] = groups.flatMap((g) => Array<Group>(g.n).fill(g));
	let connected = 0;
	let failed = 0;
	let next = 0;
	const lane = async () => {
		while (next < todo.length) {
			const g = todo[next++];
			const result = await connectOne(g, timeoutMs);
			if (typeof result === 'string') {
				failed++;
				lastError = result;
			} else {
				sockets.push(result);
				connected++;
			}
		}
	};
	await Promise.all(Array.from({ length: Math.max(1, concurrency) }, lane));
	return { connected, failed, lastError };
}

process.on('message', async (m: { id: number; cmd: string; [k: string]: unknown }) => {
	try {
		switch (m.cmd) {
			case 'connect': {
				const r = await connect(m.groups as Group[], (m.concurrency as number) ?? 20, (m.timeoutMs as number) ?? 20_000);
				process.send!({ id: m.id, ...r, total: sockets.length });
				break;
			}
			case 'collect': {
				const r = {
					id: m.id,
					cardIds: Float64Array.from(cardIds),
					versions: Float64Array.from(versions),
					times: Float64Array.from(times),
					tags: Float64Array.from(tags)
				};
				cardIds = [];
				versions = [];
				times = [];
				tags = [];
				process.send!(r);
				break;
			}
			case 'stats':
				process.send!({
					id: m.id,
					sockets: sockets.length,
					connectedNow: sockets.filter((s) => s.connected).length,
					heads,
					disconnects,
					connectErrors,
					lastError,
					rss: process.memoryUsage().rss
				});
				break;
			case 'disconnect': {
				for (const s of sockets.splice(0)) s.disconnect();
				cardIds = [];
				versions = [];
				times = [];
				tags = [];
				process.send!({ id: m.id, ok: true });
				break;
			}
			default:
				process.send!({ id: m.id, error: `unknown command ${m.cmd}` });
		}
	} catch (error) {
		process.send!({ id: m.id, error: (error as Error).stack ?? String(error) });
	}
});

process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
process.send!({ ready: true });
