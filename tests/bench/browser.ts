/**
 * Chromium measurements of the board page: navigation start → "board ready", a remote move applied
 * to the DOM, and the JavaScript the page loads. Everything is measured inside the page on its own
 * clock (performance.now(), whose origin is the navigation start).
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright';
import { summarize, sleep, type Summary } from './stats';
import { summarizeProfile } from './cpuprofile';
import { openBrowserPage } from './clients';

/**
 * Installed before any script of the page runs:
 * - notes when `[data-board-ready]` first appears (the UI's "hydrated and socket synced" signal);
 * - wraps WebSocket so that each socket.io `card:moved` frame is timestamped on arrival, before the
 *   app's own handler sees it (our listener is registered first);
 * - a MutationObserver records when that card's element stands in its new column, and the next
 *   animation frame after that.
 */
const READY_MESSAGE = '__bench_board_ready';

const INIT = `(() => {
	const READY_MESSAGE = ${JSON.stringify(READY_MESSAGE)};
	const b = (window.__bench = { ready: null, sioConnect: null, loadEnd: null, wsNew: null, eioOpen: null, syncAck: null, frames: 0, pending: new Map(), samples: [], unmatched: 0 });
	addEventListener('load', () => { b.loadEnd = performance.now(); });
	const cardSel = (id) => '[data-card-id="' + id + '"],[data-card="' + id + '"],#card-' + id;
	// the column an element stands in: its nearest ancestor with data-column (a card may carry
	// data-column itself, which only says what it believes, not where it is)
	const columnOf = (el) => {
		const col = el && el.parentElement && el.parentElement.closest('[data-column]');
		return col ? col.getAttribute('data-column') : null;
	};
	b.columnOf = columnOf;
	const check = () => {
		const t = performance.now();
		if (b.ready === null && document.querySelector('[data-board-ready]')) {
			b.ready = t;
			// tells the bench without it polling the page (see waitReady)
			console.debug(READY_MESSAGE);
		}
		for (const [id, p] of b.pending) {
			const els = document.querySelectorAll(cardSel(id));
			let placed = false;
			for (const el of els) if (columnOf(el) === p.to && (!el.hasAttribute('data-version') || el.getAttribute('data-version') === String(p.version))) placed = true;
			if (placed) {
				b.pending.delete(id);
				const sample = { id, dom: t - p.t };
				b.samples.push(sample);
				requestAnimationFrame(() => { sample.frame = performance.now() - p.t; });
			}
		}
	};
	const start = () => new MutationObserver(check).observe(document.documentElement, { subtree: true, childList: true, attributes: true, characterData: true });
	if (document.documentElement) start(); else addEventListener('DOMContentLoaded', start);
	const Native = window.WebSocket;
	class BenchWebSocket extends Native {
		constructor(...args) {
			super(...args);
			if (b.wsNew === null) b.wsNew = performance.now();
			this.addEventListener('message', (e) => {
				if (typeof e.data !== 'string') return;
				if (e.data.startsWith('0{') && b.eioOpen === null) b.eioOpen = performance.now();
				if (e.data.startsWith('40') && b.sioConnect === null) b.sioConnect = performance.now();
				// the first ack (43<id>[…]): the app's first board:sync answered, on arrival; or the
				// answer to the sync the handshake carried (board:synced)
				if ((e.data.startsWith('43') || e.data.startsWith('42["board:synced"')) && b.syncAck === null) b.syncAck = performance.now();
				if (!e.data.startsWith('42["card:moved"')) return;
				const t = performance.now();
				try {
					const ev = JSON.parse(e.data.slice(2))[1];
					b.pending.set(ev.card.id, { t, to: ev.card.column, version: ev.card.version });
				} catch { b.unmatched++; }
			});
		}
	}
	window.WebSocket = BenchWebSocket;
})();`;

export interface LoadTiming {
	/** which signal "ready" was: the UI's data-board-ready, or the fallback */
	signal: 'data-board-ready' | 'fallback: cards rendered + socket.io connected';
	ready: Summary;
	loadEvent: Summary;
	socketConnected: Summary;
	/** the app's WebSocket constructed; engine.io's open packet, socket.io CONNECT and the first ack (the first board:sync's answer) received */
	socketCreated: Summary;
	engineOpen: Summary;
	firstSyncAnswered: Summary;
	/**
	 * the page's own steps, p50 from navigation start: DOMContentLoaded, first contentful paint, and
	 * the app's marks (hooks.client.ts, BoardScreen, LiveBoard): the app starts, the board begins
	 * to hydrate, it has hydrated, its first sync is applied
	 */
	steps: Record<string, Summary>;
	runs: number;
	cardSelector: string | null;
}

export interface JsSize {
	files: { url: string; raw: number; gzip: number }[];
	raw: number;
	gzip: number;
	source: string;
}

export interface RemoteMoveTiming {
	moves: number;
	applied: number;
	dom: Summary;
	frame: Summary;
	note?: string;
	profile?: ReturnType<typeof summarizeProfile>;
	/** share of wall time the page's main thread spent (CDP Performance metrics), % */
	pageBusyPercent: { idle: Record<string, number>; duringMoves: Record<string, number> };
}

export async function launch(): Promise<Browser> {
	return chromium.launch({
		executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
		headless: true,
		args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-quic']
	});
}

const newPage = (browser: Browser, url: string) => openBrowserPage(browser, INIT, url);

/**
 * Waits for the ready signal; returns which one it was. `heard`: the page's console message that
 * it saw `[data-board-ready]` (INIT), listened for before the navigation. Not by polling the page:
 * Playwright's waitForFunction injects its own script into the page and evaluates in it every few
 * ms, main-thread work of the bench's own on the very load it times (measured: ready 21 ms later
 * at the paired median of 24 cold loads each way, 40 ms in the mean).
 */
async function waitReady(page: Page, preferAttr: boolean, timeoutMs: number, heard: Promise<unknown>) {
	if (preferAttr) {
		try {
			await heard;
			return { signal: 'data-board-ready' as const };
		} catch {
			/* fall back */
		}
	}
	// fallback: hydrated enough to have opened the socket (socket.io CONNECT answered) and cards in the DOM
	await page.waitForFunction(
		() => {
			const b = (window as never as { __bench: { sioConnect: number | null; loadEnd: number | null } }).__bench;
			return b.sioConnect !== null && b.loadEnd !== null;
		},
		null,
		{ timeout: timeoutMs, polling: 20 }
	);
	return { signal: 'fallback: cards rendered + socket.io connected' as const };
}

/** The page's console message that it is ready (INIT); rejects after `timeoutMs`. */
function readyHeard(page: Page, timeoutMs: number): Promise<unknown> {
	const heard = page.waitForEvent('console', { predicate: (message) => message.text() === READY_MESSAGE, timeout: timeoutMs });
	heard.catch(() => undefined); // awaited by waitReady, which falls back
	return heard;
}

/**
 * Cold loads (a fresh context each: no cache) of the board at each of `urls`, taking turns (one load
 * of each, `runs` times: side by side against the drifting load of the machine); times from
 * navigation start. One result per url; `clientDirs[i]` is where url i's build lies (JS sizes).
 */
export async function measureLoads(browser: Browser, urls: string[], runs: number, clientDirs: string[]): Promise<{ timing: LoadTiming; js: JsSize }[]> {
	const each = urls.map(() => ({
		ready: [] as number[],
		load: [] as number[],
		sio: [] as number[],
		wsNew: [] as number[],
		eioOpen: [] as number[],
		syncAck: [] as number[],
		signal: 'data-board-ready' as LoadTiming['signal'],
		preferAttr: true,
		cardSelector: null as string | null,
		jsUrls: new Set<string>(),
		steps: {} as Record<string, number[]>
	}));
	for (let i = 0; i < runs; i++) {
		for (const [k, url] of urls.entries()) {
			const m = each[k];
			const { context, page } = await newPage(browser, url);
			if (i === 0) {
				page.on('response', (r) => {
					const u = new URL(r.url());
					if (u.pathname.endsWith('.js')) m.jsUrls.add(u.pathname);
				});
			}
			const heard = readyHeard(page, i === 0 ? 10_000 : 5_000);
			await page.goto(url, { waitUntil: 'commit', timeout: 30_000 });
			const got = await waitReady(page, m.preferAttr, i === 0 ? 10_000 : 5_000, heard);
			if (got.signal !== 'data-board-ready') {
				m.preferAttr = false;
				m.signal = got.signal;
			}
			const t = await page.evaluate(() => {
				type Marks = { ready: number | null; sioConnect: number | null; loadEnd: number | null; wsNew: number | null; eioOpen: number | null; syncAck: number | null };
				const b = (window as never as { __bench: Marks }).__bench;
				const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
				const steps: Record<string, number> = {};
				if (nav) steps.domContentLoaded = nav.domContentLoadedEventStart;
				for (const e of performance.getEntriesByType('paint')) if (e.name === 'first-contentful-paint') steps.firstContentfulPaint = e.startTime;
				for (const e of performance.getEntriesByType('mark')) if (e.name.startsWith('wb:')) steps[e.name] = e.startTime;
				return { ready: b.ready, sio: b.sioConnect, load: b.loadEnd, wsNew: b.wsNew, eioOpen: b.eioOpen, syncAck: b.syncAck, steps };
			});
			for (const [name, at] of Object.entries(t.steps)) (m.steps[name] ??= []).push(at);
			if (i === 0) {
				await sleep(500);
				m.cardSelector = await page.evaluate(() => {
					for (const s of ['[data-card-id]', '[data-card]', '[id^="card-"]']) {
						const el = document.querySelector(s);
						if (el && el.parentElement && el.parentElement.closest('[data-column]')) return s;
					}
					return null;
				});
			}
			const fallbackReady = Math.max(t.sio ?? NaN, t.load ?? NaN);
			m.ready.push(m.signal === 'data-board-ready' && t.ready !== null ? t.ready : fallbackReady);
			if (t.load !== null) m.load.push(t.load);
			if (t.sio !== null) m.sio.push(t.sio);
			if (t.wsNew !== null) m.wsNew.push(t.wsNew);
			if (t.eioOpen !== null) m.eioOpen.push(t.eioOpen);
			if (t.syncAck !== null) m.syncAck.push(t.syncAck);
			await context.close();
		}
	}
	return each.map((m, k) => {
		const files = [...m.jsUrls].sort().map((u) => {
			const file = path.join(clientDirs[k], u.replace(/^\//, ''));
			const raw = existsSync(file) ? statSync(file).size : 0;
			const gz = existsSync(file + '.gz') ? statSync(file + '.gz').size : raw ? gzipSync(readFileSync(file), { level: 9 }).length : 0;
			return { url: u, raw, gzip: gz };
		});
		return {
			timing: {
				signal: m.signal,
				ready: summarize(m.ready),
				loadEvent: summarize(m.load),
				socketConnected: summarize(m.sio),
				socketCreated: summarize(m.wsNew),
				engineOpen: summarize(m.eioOpen),
				firstSyncAnswered: summarize(m.syncAck),
				steps: Object.fromEntries(Object.entries(m.steps).map(([k, v]) => [k, summarize(v)])),
				runs,
				cardSelector: m.cardSelector
			},
			js: {
				files,
				raw: files.reduce((s, f) => s + f.raw, 0),
				gzip: files.reduce((s, f) => s + f.gzip, 0),
				source: 'every .js the page requested on a cold load, sized from build/client (precompressed .gz)'
			}
		};
	});
}

/**
 * One more cold load of `url` with the V8 sampling profiler running from before navigation until
 * the page is ready (BENCH_CPU_PROF): where a cold load's main-thread time goes.
 */
export async function profileColdLoad(browser: Browser, url: string, profileFile: string) {
	const { context, page } = await newPage(browser, url);
	try {
		const cdp = await context.newCDPSession(page);
		await cdp.send('Profiler.enable');
		await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
		await cdp.send('Profiler.start');
		// and a trace of the same load (open it in chrome://tracing or Perfetto): layout, style,
		// parsing and compiling are "(program)" in the profile
		await browser.startTracing(page, { path: profileFile.replace(/\.cpuprofile$/, '.trace.json'), categories: ['devtools.timeline', 'v8.execute', 'blink.user_timing', 'loading'] });
		const heard = readyHeard(page, 10_000);
		await page.goto(url, { waitUntil: 'commit', timeout: 30_000 });
		await waitReady(page, true, 10_000, heard).catch(() => undefined);
		const { profile } = await cdp.send('Profiler.stop');
		await browser.stopTracing();
		writeFileSync(profileFile, JSON.stringify(profile));
		return summarizeProfile(profile as never);
	} finally {
		await context.close();
	}
}

/**
 * Opens the board, then lets `moveOne()` (a remote advisor on another instance) move cards; the
 * page records, per move, `card:moved` frame arrival → card element in its new column.
 */
export async function measureRemoteMoves(
	browser: Browser,
	url: string,
	count: number,
	moveOne: () => Promise<boolean>,
	intervalMs: number,
	profileFile?: string
): Promise<RemoteMoveTiming> {
	const { context, page } = await newPage(browser, url);
	try {
		const heard = readyHeard(page, 10_000);
		await page.goto(url, { waitUntil: 'commit', timeout: 30_000 });
		await waitReady(page, true, 10_000, heard).catch(() => undefined);
		// the rest of the board renders in slices after ready, and the drag layer loads: let them finish
		await sleep(2_000);
		const cdp = await context.newCDPSession(page);
		await cdp.send('Performance.enable');
		const metrics = async () => {
			const { metrics } = await cdp.send('Performance.getMetrics');
			return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
		};
		// the page's own work while nothing happens, then while remote moves arrive
		const share = (a: Record<string, number>, b: Record<string, number>, wallMs: number) =>
			Object.fromEntries(
				['TaskDuration', 'ScriptDuration', 'RecalcStyleDuration', 'LayoutDuration'].map((k) => [k.replace('Duration', ''), Math.round((1000 * 100 * (b[k] - a[k])) / wallMs)])
			) as Record<string, number>;
		const idle0 = await metrics();
		const idleT = Date.now();
		await sleep(2000);
		const idle1 = await metrics();
		const idleShare = share(idle0, idle1, Date.now() - idleT);
		const movesT = Date.now();
		if (profileFile) {
			await cdp.send('Profiler.enable');
			await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
			await cdp.send('Profiler.start');
		}
		let moves = 0;
		const deadline = Date.now() + count * intervalMs + 30_000;
		for (let i = 0; i < count && Date.now() < deadline; i++) {
			const t = Date.now();
			if (await moveOne()) moves++;
			await sleep(Math.max(0, intervalMs - (Date.now() - t)));
		}
		await sleep(1000);
		const movesShare = share(idle1, await metrics(), Date.now() - movesT);
		let profile: RemoteMoveTiming['profile'];
		if (profileFile) {
			const { profile: p } = await cdp.send('Profiler.stop');
			writeFileSync(profileFile, JSON.stringify(p));
			profile = summarizeProfile(p as never);
		}
		const r = await page.evaluate(() => {
			const b = (window as never as { __bench: { samples: { dom: number; frame?: number }[]; pending: Map<number, unknown>; unmatched: number } }).__bench;
			return { samples: b.samples, pending: b.pending.size, unmatched: b.unmatched };
		});
		const note =
			r.samples.length === 0
				? 'no card:moved was seen applied: the page needs each card element to carry data-card-id="<id>" inside an ancestor with data-column="<column>" (or expose the moved-to-DOM timestamps)'
				: r.pending
					? `${r.pending} moves not applied to the DOM within 1 s`
					: undefined;
		return {
			moves,
			applied: r.samples.length,
			dom: summarize(r.samples.map((s) => s.dom)),
			frame: summarize(r.samples.filter((s) => s.frame !== undefined).map((s) => s.frame!)),
			note,
			profile,
			pageBusyPercent: { idle: idleShare, duringMoves: movesShare }
		};
	} finally {
		await context.close();
	}
}
