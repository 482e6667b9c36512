/**
 * How the bench talks to the app, one function per kind of client: the page request, a screen's
 * socket, a browser page. What a client presents to the app (the store, the session cookie, the
 * origin) is added here, in one place each.
 */
import http from 'node:http';
import { io, type Socket } from 'socket.io-client';
import type { Browser, BrowserContext, Page } from 'playwright';

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

/**
 * The bench's signed-in advisor: one session cookie (`wb_session=…`, a real session row made by
 * the fixture) that every client of the bench presents, as a signed-in browser would.
 */
let session: { name: string; value: string } | undefined;

export function useSession(cookie: string) {
	const eq = cookie.indexOf('=');
	session = { name: cookie.slice(0, eq), value: cookie.slice(eq + 1) };
}

const cookieHeader = (): Record<string, string> =>
	session ? { cookie: `${session.name}=${session.value}` } : {};

/** The socket handshake of a screen of `slug` on the app. */
export const appAuth = (slug: string): Record<string, unknown> => ({ store: slug });

/** The HTTP headers a socket sends to the app at `url`: its own origin and the session cookie. */
export const appSocketHeaders = (url: string): Record<string, string> => ({
	origin: url,
	...cookieHeader()
});

/** The headers of a board page request, as a Chinese-language browser sends them. */
const pageHeaders = () => ({
	'accept-language': 'zh-CN,zh;q=0.9',
	accept: 'text/html',
	...cookieHeader()
});

export interface PageResponse {
	status: number;
	body: Buffer;
	/** ms from sending the request to the first byte of the response */
	ttfb: number;
	/** ms from sending the request to the last byte of the body */
	total: number;
}

/** GETs a page of the app and reads the whole body; `agent` keeps the connection alive. */
export function requestPage(agent: http.Agent, url: string): Promise<PageResponse> {
	return new Promise((resolve, reject) => {
		const t = nowMs();
		const req = http.get(url, { agent, headers: pageHeaders(), timeout: 30_000 }, (res) => {
			const ttfb = nowMs() - t;
			const chunks: Buffer[] = [];
			res.on('data', (c: Buffer) => chunks.push(c));
			res.on('end', () =>
				resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), ttfb, total: nowMs() - t })
			);
			res.on('error', reject);
		});
		req.on('timeout', () => req.destroy(new Error(`GET ${url}: timeout`)));
		req.on('error', reject);
	});
}

/** Opens one screen's socket (websocket only, no reconnection: the bench counts failures). */
export function openSocket(
	url: string,
	auth: Record<string, unknown>,
	headers: Record<string, string> | undefined,
	timeoutMs: number
): Socket {
	return io(url, {
		transports: ['websocket'],
		auth,
		forceNew: true,
		reconnection: false,
		timeout: timeoutMs,
		extraHeaders: headers
	});
}

/**
 * A fresh browser context (no cache, no cookies) and page, as a Chinese-speaking user of a store in
 * Shanghai at 1920×1080 sees the board; `initScript` runs before any script of the page.
 */
export async function openBrowserPage(
	browser: Browser,
	initScript: string,
	appUrl: string
): Promise<{ context: BrowserContext; page: Page }> {
	const context = await browser.newContext({
		locale: 'zh-CN',
		timezoneId: 'Asia/Shanghai',
		viewport: { width: 1920, height: 1080 }
	});
	if (session) await context.addCookies([{ ...session, url: new URL(appUrl).origin, httpOnly: true }]);
	await context.addInitScript(initScript);
	const page = await context.newPage();
	return { context, page };
}
