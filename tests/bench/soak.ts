/**
 * The wall TV's soak (phase `soak`): one TV page (/s/<store>/tv) in Chromium on the 500-card board
 * receives hours of moves compressed into minutes, and what it holds is measured before, during
 * and after — the JS heap after a forced GC (CDP HeapProfiler.collectGarbage, then
 * Runtime.getHeapUsage), the DOM nodes and event listeners alive (Memory.getDOMCounters), and the
 * RSS of both app instances. A screen that stays on the wall for months must not grow with the
 * number of events it has seen.
 *
 * The moves come from advisors' sockets on the other instance (through Redis, as in a real
 * two-instance deployment), ready ↔ confirmed, as fast as the page keeps up: the sender stays at
 * most WINDOW moves ahead of the `card:moved` frames the page has taken off its socket (counted in
 * the page, on the main thread, where a busy page would fall behind), and each socket under the
 * server's per-socket command limit. At the end the TV's column counts must equal the database's.
 */
import type { Browser, CDPSession, Page } from 'playwright';
import type { Socket } from 'socket.io-client';
import type { Sql } from '../../src/lib/server/db/connect';
import { appAuth, appSocketHeaders, openBrowserPage, openSocket } from './clients';
import { rssBytes } from './procs';
import { nowMs, round, sleep, table } from './stats';

/** moves the sender may be ahead of the page: beyond it, the page is not keeping up */
const WINDOW = 100;
/** advisors' sockets: the server allows 20 commands/s per socket (burst 40) */
const SOCKETS = 24;
const PER_SOCKET_PER_SEC = 18;
const WARMUP_MOVES = 500;
/** after the last move: every highlight (6 s) and flash (2.5 s) timer has run out */
const SETTLE_MS = 7_500;
const SAMPLES = 10;

export interface SoakOptions {
	browser: Browser;
	sql: Sql;
	store: { id: number; slug: string };
	/** the TV page, on one instance */
	tvUrl: string;
	/** where the advisors' sockets connect: the other instance */
	moverUrl: string;
	/** the app instances whose RSS is reported */
	pids: Record<string, number>;
	quick: boolean;
	log: (line: string) => void;
}

interface Sample {
	moves: number;
	seconds: number;
	heapUsedMB: number;
	heapTotalMB: number;
	domNodes: number;
	listeners: number;
	documents: number;
	rssMB: Record<string, number>;
}

export interface SoakResult {
	moves: number;
	seconds: number;
	movesPerSec: number;
	errors: Record<string, number>;
	/** `card:moved` frames the page took off its socket during the soak */
	framesSeen: number;
	/** the page's main thread busy share during the soak (CDP Performance metrics), % */
	pageBusyPercent: number;
	/** of the sender's waits, the share when the page was WINDOW moves behind (it set the pace), % */
	pacedByPagePercent: number;
	before: Sample;
	after: Sample;
	samples: Sample[];
	growth: { heapUsedMB: number; domNodes: number; listeners: number; rssMB: Record<string, number> };
	/** TV column counts equal the database's after the soak */
	tvMatchesServer: boolean;
	mismatch?: string;
}

/** Counts the socket.io `card:moved` frames as the page's main thread takes them (before the app). */
const INIT = `(() => {
	const soak = (window.__soak = { frames: 0 });
	const Native = window.WebSocket;
	class SoakWebSocket extends Native {
		constructor(...args) {
			super(...args);
			this.addEventListener('message', (e) => {
				if (typeof e.data === 'string' && e.data.startsWith('42["card:moved"')) soak.frames++;
			});
		}
	}
	window.WebSocket = SoakWebSocket;
})();`;

interface MovableCard {
	id: number;
	column: string;
	version: number;
}

/** The advisors: round-robin over sockets, each kept under the server's command rate. */
class Movers {
	#sockets: { socket: Socket; next: number }[] = [];
	#idle: MovableCard[];
	#run = Math.random().toString(36).slice(2, 8);
	inflight = 0;
	sent = 0;
	/** waits because the page was WINDOW behind, and because no socket or card was free */
	heldByPage = 0;
	heldBySender = 0;
	committed = 0;
	errors: Record<string, number> = {};

	constructor(cards: MovableCard[]) {
		this.#idle = cards;
	}

	async connect(url: string, slug: string) {
		const open = () =>
			new Promise<Socket>((resolve, reject) => {
				const socket = openSocket(url, appAuth(slug), appSocketHeaders(url), 20_000);
				socket.once('connect', () => resolve(socket));
				socket.once('connect_error', (e) => reject(new Error(`soak advisor: ${e.message}`)));
			});
		const sockets = await Promise.all(Array.from({ length: SOCKETS }, open));
		this.#sockets = sockets.map((socket) => ({ socket, next: 0 }));
	}

	/** Sends one move if a card and a socket are free; false otherwise. */
	trySend(): boolean {
		const now = nowMs();
		const slot = this.#sockets.find((s) => s.next <= now);
		if (!slot || this.#idle.length === 0) return false;
		const card = this.#idle.shift()!;
		slot.next = now + 1000 / PER_SOCKET_PER_SEC;
		const to = card.column === 'ready' ? 'confirmed' : 'ready';
		this.inflight++;
		this.sent++;
		slot.socket.timeout(15_000).emit(
			'card:move',
			{
				cardId: card.id,
				to,
				expectedVersion: card.version,
				idempotencyKey: `soak-${this.#run}-${card.id}-${card.version}`
			},
			(
				err: Error | null,
				result: {
					ok: boolean;
					data?: { event: { card: MovableCard } };
					error?: { code: string; card?: MovableCard };
				}
			) => {
				this.inflight--;
				if (err) {
					// its state is unknown now: the card leaves the pool
					this.#count('ackTimeout');
					return;
				}
				const current = result.ok ? result.data?.event.card : result.error?.card;
				if (result.ok) this.committed++;
				else this.#count(result.error?.code ?? 'unknown');
				if (current) {
					card.version = current.version;
					card.column = current.column;
				}
				this.#idle.push(card);
			}
		);
		return true;
	}

	#count(code: string) {
		this.errors[code] = (this.errors[code] ?? 0) + 1;
	}

	close() {
		for (const { socket } of this.#sockets) socket.disconnect();
	}
}

const MB = 2 ** 20;

async function measure(
	cdp: CDPSession,
	pids: Record<string, number>,
	moves: number,
	since: number
): Promise<Sample> {
	// twice: the first collection may only finalize what the second frees
	await cdp.send('HeapProfiler.collectGarbage');
	await cdp.send('HeapProfiler.collectGarbage');
	const heap = await cdp.send('Runtime.getHeapUsage');
	const dom = await cdp.send('Memory.getDOMCounters');
	return {
		moves,
		seconds: round((nowMs() - since) / 1000, 1),
		heapUsedMB: round(heap.usedSize / MB, 2),
		heapTotalMB: round(heap.totalSize / MB, 2),
		domNodes: dom.nodes,
		listeners: dom.jsEventListeners,
		documents: dom.documents,
		rssMB: Object.fromEntries(
			Object.entries(pids).map(([name, pid]) => [name, round(rssBytes(pid) / MB, 1)])
		)
	};
}

const framesSeen = (page: Page) =>
	page.evaluate(() => (window as never as { __soak: { frames: number } }).__soak.frames);

/** Moves `count` cards as fast as the page keeps up; `onProgress` after every `every` commits. */
async function drive(
	page: Page,
	movers: Movers,
	count: number,
	deadline: number,
	every: number,
	onProgress: (moves: number) => Promise<void>
) {
	const target = movers.committed + count;
	let seen = await framesSeen(page);
	const seenAtStart = seen - movers.committed; // frames are counted from the page's start
	let lastPoll = nowMs();
	let nextReport = movers.committed + every;
	while (movers.committed < target && nowMs() < deadline) {
		if (nowMs() - lastPoll > 100) {
			seen = await framesSeen(page);
			lastPoll = nowMs();
		}
		const ahead = movers.committed + movers.inflight - (seen - seenAtStart);
		if (ahead >= WINDOW) movers.heldByPage++;
		const wanted = movers.committed + movers.inflight < target;
		const sentOne = ahead < WINDOW && wanted && movers.trySend();
		if (!sentOne && ahead < WINDOW) movers.heldBySender++;
		if (!sentOne) await sleep(2);
		if (movers.committed >= nextReport) {
			nextReport += every;
			await onProgress(movers.committed);
		}
	}
	const drainUntil = nowMs() + 15_000;
	while (movers.inflight > 0 && nowMs() < drainUntil) await sleep(10);
}

/** Waits until the page has taken every committed move's frame off its socket (bounded). */
async function waitForPage(page: Page, frames: number, timeoutMs: number) {
	const until = nowMs() + timeoutMs;
	while ((await framesSeen(page)) < frames && nowMs() < until) await sleep(100);
}

export async function runSoak(o: SoakOptions): Promise<SoakResult> {
	const total = o.quick ? 3_000 : 30_000;
	const maxMs = o.quick ? 90_000 : 360_000;
	const cards = await o.sql<MovableCard[]>`
		select id::int, version, board_column as column from cards
		where store_id = ${o.store.id} and archived_at is null and board_column in ('ready', 'confirmed')
		order by id`;
	o.log(`phase soak: the TV view of ${o.store.slug} in Chromium, ${total} moves over ${cards.length} cards (${SOCKETS} advisor sockets on the other instance)`);

	const { context, page } = await openBrowserPage(o.browser, INIT, o.tvUrl);
	const movers = new Movers(cards.map((c) => ({ ...c })));
	try {
		await page.goto(o.tvUrl, { waitUntil: 'commit', timeout: 30_000 });
		await page.waitForSelector('[data-tv][data-board-ready]', { state: 'attached', timeout: 30_000 });
		const cdp = await context.newCDPSession(page);
		await cdp.send('Performance.enable');
		const busy = async () => {
			const { metrics } = await cdp.send('Performance.getMetrics');
			return metrics.find((m) => m.name === 'TaskDuration')?.value ?? NaN;
		};
		await movers.connect(o.moverUrl, o.store.slug);
		const framesAtStart = await framesSeen(page);

		// warm up (code paths compiled, every card's marks made), let the highlights run out, then measure
		await drive(page, movers, WARMUP_MOVES, nowMs() + 60_000, WARMUP_MOVES, async () => {});
		await waitForPage(page, framesAtStart + movers.committed, 10_000);
		await sleep(SETTLE_MS);
		const t0 = nowMs();
		const warm = movers.committed;
		const before = await measure(cdp, o.pids, 0, t0);
		o.log(`  before: heap ${before.heapUsedMB} MB, ${before.domNodes} DOM nodes, ${before.listeners} listeners, RSS ${JSON.stringify(before.rssMB)}`);

		const samples: Sample[] = [before];
		const busy0 = await busy();
		const driveStart = nowMs();
		movers.heldByPage = movers.heldBySender = 0;
		await drive(page, movers, total, nowMs() + maxMs, Math.ceil(total / SAMPLES), async (moves) => {
			const sample = await measure(cdp, o.pids, moves - warm, t0);
			samples.push(sample);
			o.log(`  ${sample.moves} moves, ${sample.seconds} s: heap ${sample.heapUsedMB} MB, ${sample.domNodes} nodes, ${sample.listeners} listeners, RSS ${JSON.stringify(sample.rssMB)}`);
		});
		const driveSeconds = (nowMs() - driveStart) / 1000;
		const busyShare = round((100 * (await busy()) - 100 * busy0) / driveSeconds, 0);
		const moves = movers.committed - warm;
		await waitForPage(page, framesAtStart + movers.committed, 30_000);
		await sleep(SETTLE_MS);
		const after = await measure(cdp, o.pids, moves, t0);
		samples.push(after);
		const framesSeenNow = (await framesSeen(page)) - framesAtStart;

		// what the TV shows is what the server has
		const server = await o.sql<{ column: string; n: number }[]>`
			select board_column as column, count(*)::int as n from cards
			where store_id = ${o.store.id} and archived_at is null group by 1`;
		const shown = await page.evaluate(() =>
			Object.fromEntries(
				[...document.querySelectorAll<HTMLElement>('[data-tv] section[data-column]')].map((s) => [
					s.dataset.column,
					Number(s.querySelector('.count')?.textContent)
				])
			)
		);
		const expected = Object.fromEntries(server.map((r) => [r.column, r.n]));
		const mismatch = Object.keys({ ...shown, ...expected }).filter(
			(c) => (shown[c] ?? 0) !== (expected[c] ?? 0)
		);

		const result: SoakResult = {
			moves,
			seconds: round(driveSeconds, 1),
			movesPerSec: round(moves / driveSeconds, 0),
			errors: movers.errors,
			framesSeen: framesSeenNow,
			pageBusyPercent: busyShare,
			pacedByPagePercent: round(
				(100 * movers.heldByPage) / Math.max(1, movers.heldByPage + movers.heldBySender),
				0
			),
			before,
			after,
			samples,
			growth: {
				heapUsedMB: round(after.heapUsedMB - before.heapUsedMB, 2),
				domNodes: after.domNodes - before.domNodes,
				listeners: after.listeners - before.listeners,
				rssMB: Object.fromEntries(
					Object.keys(o.pids).map((k) => [k, round(after.rssMB[k] - before.rssMB[k], 1)])
				)
			},
			tvMatchesServer: mismatch.length === 0,
			mismatch: mismatch.length ? `TV ${JSON.stringify(shown)} vs server ${JSON.stringify(expected)}` : undefined
		};
		o.log(`  after ${moves} moves in ${result.seconds} s (${result.movesPerSec}/s): heap ${before.heapUsedMB} → ${after.heapUsedMB} MB, DOM nodes ${before.domNodes} → ${after.domNodes}, listeners ${before.listeners} → ${after.listeners}; TV = server: ${result.tvMatchesServer}`);
		return result;
	} finally {
		movers.close();
		await context.close();
	}
}

/** The soak's lines of the report. */
export function soakReport(r: SoakResult): string[] {
	const rss = (x: Record<string, number>) => Object.entries(x).map(([k, v]) => `${k} ${v}`).join(', ');
	return [
		`-- wall TV soak (/s/bench-big/tv in Chromium, 500 cards; moves from the other instance, as fast as the page keeps up) --`,
		`${r.moves} moves in ${r.seconds} s (${r.movesPerSec}/s); frames the page took: ${r.framesSeen}; errors ${JSON.stringify(r.errors)}; page main thread busy ${r.pageBusyPercent}% of the time; the sender waited for the page in ${r.pacedByPagePercent}% of its waits (else for the server's per-socket limit); TV column counts = server's: ${r.tvMatchesServer ? 'yes' : `NO (${r.mismatch})`}`,
		table(
			['after moves', 's', 'JS heap used MB (after GC)', 'heap total MB', 'DOM nodes', 'listeners', 'RSS MB'],
			r.samples.map((s) => [s.moves, s.seconds, s.heapUsedMB, s.heapTotalMB, s.domNodes, s.listeners, rss(s.rssMB)])
		),
		`growth over the soak: JS heap ${r.growth.heapUsedMB >= 0 ? '+' : ''}${r.growth.heapUsedMB} MB, DOM nodes ${r.growth.domNodes >= 0 ? '+' : ''}${r.growth.domNodes}, listeners ${r.growth.listeners >= 0 ? '+' : ''}${r.growth.listeners}, RSS ${rss(r.growth.rssMB)} MB`,
		''
	];
}
