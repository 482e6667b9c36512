/**
 * The wall TV in the workshop, as it lives on the wall: paired once by the store admin, it opens
 * its own view (/s/:store/tv) by itself; an advisor's move shows in the new column, lit; the
 * network goes away (the banner says since when), cards move meanwhile, the network comes back
 * and the TV shows exactly the server's board. A column with more cards than fit turns its pages
 * by itself. Read-only: nothing on it is a button. Screenshots of the lit move and the offline
 * banner are left in /tmp/shots-tv for a person to look at.
 */
import {
	expect,
	test,
	type APIRequestContext,
	type Browser,
	type BrowserContext,
	type Page,
	type WebSocketRoute
} from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { COLUMNS, type BoardCard, type Column } from '../../src/lib/domain/board';
import { signInAs } from './signedIn';
import { compareCards } from '../../src/lib/domain/ordering';
import { checkMove } from '../../src/lib/domain/transitions';
import { PAGE_MS } from '../../src/lib/client/tvPaging';

const TV = { width: 1920, height: 1080 };
/** what the TV looked like lit and offline, for a person to look at (not compared) */
const SHOTS = '/tmp/shots-tv';

async function newContext(browser: Browser, viewport = TV) {
	const { baseURL, locale, timezoneId } = test.info().project.use;
	return browser.newContext({ baseURL, locale, timezoneId, viewport });
}

async function serverBoard(request: APIRequestContext): Promise<BoardCard[]> {
	const response = await request.get('/api/stores/demo/board');
	expect(response.status()).toBe(200);
	return (await response.json()).cards;
}

/**
 * Cards the advisor may move one step on (prep → ready, ready → confirmed), so the moves add to
 * the columns other specs look in rather than take from them. Other specs move cards of the same
 * demo store: whichever are still there are taken.
 */
function pickMoves(cards: BoardCard[], count: number): { card: BoardCard; to: Column }[] {
	const moves: { card: BoardCard; to: Column }[] = [];
	for (const card of cards) {
		const to: Column | undefined =
			card.column === 'ready' ? 'confirmed' : card.column === 'prep' ? 'ready' : undefined;
		if (to && checkMove(card, to).ok) moves.push({ card, to });
		if (moves.length === count) return moves;
	}
	throw new Error(`fewer than ${count} cards left on the demo board to move one step`);
}

async function move(advisor: Page, { card, to }: { card: BoardCard; to: Column }) {
	const response = await advisor.request.post(`/api/stores/demo/cards/${card.id}/move`, {
		headers: { origin: new URL(advisor.url()).origin },
		data: { to, expectedVersion: card.version, idempotencyKey: randomUUID() }
	});
	expect(response.status()).toBe(200);
}

/** What the TV shows of each column, read at one instant: count, page, and the cards on it. */
function tvColumns(tv: Page) {
	return tv.evaluate(() =>
		[...document.querySelectorAll<HTMLElement>('[data-tv] section[data-column]')].map((s) => ({
			column: s.dataset.column!,
			count: Number(s.querySelector('.count')?.textContent),
			page: Number(s.dataset.page),
			perPage: Number(s.dataset.perPage),
			ids: [...s.querySelectorAll<HTMLElement>('[data-card]')].map((c) => Number(c.dataset.card))
		}))
	);
}

/** The same, as it must be for the server's cards: every column's count and the page shown. */
function expectedColumns(cards: BoardCard[], shown: Awaited<ReturnType<typeof tvColumns>>) {
	return COLUMNS.map((column) => {
		const all = cards.filter((c) => c.column === column).sort(compareCards);
		const { page, perPage } = shown.find((s) => s.column === column)!;
		return {
			column,
			count: all.length,
			page,
			perPage,
			ids: all.slice((page - 1) * perPage, page * perPage).map((c) => c.id)
		};
	});
}

/**
 * The TV's sockets pass through Playwright, so the test can pull the plug: going offline alone
 * stops new connections but not an open WebSocket (Playwright issue #4910).
 */
async function pluggable(context: BrowserContext) {
	const open = new Set<WebSocketRoute>();
	await context.routeWebSocket(/\/socket\.io\//, (ws) => {
		ws.connectToServer();
		open.add(ws);
		ws.onClose(() => open.delete(ws));
	});
	return {
		async unplug() {
			await context.setOffline(true);
			for (const ws of open) await ws.close({ code: 1006, reason: 'unplugged' });
		},
		plugIn: () => context.setOffline(false)
	};
}

test('a paired wall TV lights up a move, and after an outage shows exactly the server’s board', async ({
	browser
}) => {
	test.setTimeout(90_000);
	// the TV on the workshop wall asks for a code
	const tvContext = await newContext(browser);
	const cable = await pluggable(tvContext);
	const tv = await tvContext.newPage();
	await tv.goto('/display');
	const code = (await tv.locator('[data-pairing-code]').innerText()).trim();

	// the store admin pairs it as a wall TV
	const admin = await (await newContext(browser, { width: 1280, height: 800 })).newPage();
	await signInAs(admin, 'admin', '/s/demo/admin');
	const form = admin.locator('form[action="?/pair"]');
	await form.getByLabel('配对码').fill(code);
	await form.getByLabel('车间大屏').check();
	await form.getByLabel('屏幕名称').fill('车间大屏 TV');
	await form.getByRole('button', { name: '配对' }).click();
	await expect(admin.getByText('「车间大屏 TV」已配对')).toBeVisible();

	// it opens the TV view by itself: live, every column, nothing to press
	await expect(tv).toHaveURL(/\/s\/demo\/tv$/, { timeout: 10_000 });
	await expect(tv.locator('[data-board-ready]')).toBeAttached();
	await expect(tv.getByRole('status', { name: /在线/ })).toBeVisible();
	await expect(tv.locator('section[data-column]')).toHaveCount(COLUMNS.length);
	await expect(tv.getByRole('button')).toHaveCount(0);
	await expect(tv.getByRole('heading', { name: '上海浦东4S店' })).toBeVisible();

	// an advisor at the desk moves a card; the TV shows it in its new column, lit
	const advisor = await (await newContext(browser, { width: 1280, height: 800 })).newPage();
	await signInAs(advisor, 'advisor5', '/s/demo/board');
	const [first, ...later] = pickMoves(await serverBoard(advisor.request), 4);
	await move(advisor, first);
	const moved = tv.locator(`section[data-column="${first.to}"] [data-card="${first.card.id}"]`);
	await expect(moved).toBeVisible();
	await expect(moved).toHaveAttribute('data-highlight', '');
	await expect(moved).toContainText(first.card.customerName);
	mkdirSync(SHOTS, { recursive: true });
	await tv.screenshot({ path: `${SHOTS}/moved-1920x1080.png` });
	// the light goes out by itself after a few seconds
	await expect(moved).not.toHaveAttribute('data-highlight', { timeout: 10_000 });

	// the network goes: the banner says since when, and the board stays as it was
	await cable.unplug();
	const banner = tv.locator('[data-offline-banner]');
	await expect(banner).toBeVisible({ timeout: 10_000 });
	await expect(banner).toContainText(/^离线（自 \d\d:\d\d）/);
	await expect(tv.getByRole('status', { name: /离线/ })).toBeVisible();
	await tv.screenshot({ path: `${SHOTS}/offline-1920x1080.png` });
	const before = await tvColumns(tv);

	// cards move meanwhile; the TV cannot know
	for (const next of later) await move(advisor, next);
	expect(await tvColumns(tv)).toEqual(before);

	// the network comes back: the TV reconnects by itself and shows exactly the server's board
	await cable.plugIn();
	await expect(banner).toBeHidden({ timeout: 20_000 });
	await expect(tv.getByRole('status', { name: /在线/ })).toBeVisible();
	const server = await serverBoard(advisor.request);
	// compared at one instant: the TV may turn a page meanwhile, and the expected page with it
	await expect
		.poll(async () => {
			const shown = await tvColumns(tv);
			const expected = expectedColumns(server, shown);
			return JSON.stringify(shown) === JSON.stringify(expected)
				? 'the same'
				: JSON.stringify({ shown, expected });
		})
		.toBe('the same');
	for (const { card, to } of later) {
		await expect(tv.locator(`section[data-column="${to}"] .count`)).toHaveText(
			String(server.filter((c) => c.column === to).length)
		);
		expect(server.find((c) => c.id === card.id)?.column).toBe(to);
	}

	for (const context of [tvContext, admin.context(), advisor.context()]) await context.close();
});

test('a column with more cards than fit says how many more and turns its pages by itself', async ({
	browser
}) => {
	const context = await newContext(browser);
	const page = await context.newPage();
	await page.clock.install();
	await signInAs(page, 'director', '/s/demo/tv');
	await expect(page.locator('[data-board-ready]')).toBeAttached();

	// the demo's prep column holds more cars than a 1080p column shows
	const column = page.locator('section[data-column="prep"]');
	const count = Number(await column.locator('.count').innerText());
	const perPage = Number(await column.getAttribute('data-per-page'));
	const pages = Math.ceil(count / perPage);
	expect(pages).toBeGreaterThan(1);
	const cards = column.locator('[data-card]');
	await expect(cards).toHaveCount(perPage);
	await expect(column).toContainText(`还有 ${count - perPage} 辆`);
	await expect(column).toContainText(`第 1/${pages} 页`);
	// every card shown is whole: none reaches past the bottom of its list
	const fits = await column.evaluate((section) => {
		const list = section.querySelector('ol')!.getBoundingClientRect();
		return [...section.querySelectorAll('[data-card]')].every(
			(card) => card.getBoundingClientRect().bottom <= list.bottom + 0.5
		);
	});
	expect(fits).toBe(true);

	// a page stays long enough to read, then the next comes by itself
	const firstPage = await cards.evaluateAll((els) => els.map((e) => e.getAttribute('data-card')));
	await page.clock.runFor(PAGE_MS - 1_000);
	await expect(column).toHaveAttribute('data-page', '1');
	await page.clock.runFor(1_000);
	await expect(column).toHaveAttribute('data-page', '2');
	await expect(column).toContainText(`第 2/${pages} 页`);
	await expect(cards.first()).not.toHaveAttribute('data-card', firstPage[0]!);

	// after the last page, the first (the most urgent cards) again
	for (let turned = 2; turned < pages; turned++) await page.clock.runFor(PAGE_MS);
	await expect(column).toHaveAttribute('data-page', String(pages));
	await page.clock.runFor(PAGE_MS);
	await expect(column).toHaveAttribute('data-page', '1');
	await expect(cards.first()).toHaveAttribute('data-card', firstPage[0]!);
	await context.close();
});

test('the TV speaks English when its language is English', async ({ browser }) => {
	const context = await newContext(browser);
	const page = await context.newPage();
	await signInAs(page, 'director', '/s/demo/tv');
	const { baseURL } = test.info().project.use;
	await context.addCookies([{ name: 'PARAGLIDE_LOCALE', value: 'en', url: baseURL! }]);
	await page.reload();
	await expect(page.locator('[data-board-ready]')).toBeAttached();
	await expect(page.getByRole('status', { name: /Online/ })).toBeVisible();
	await expect(page.getByText('On the lift', { exact: true })).toBeVisible();
	const prep = page.locator('section[data-column="prep"]');
	await expect(prep).toContainText(/\d+ more/);
	await expect(prep).toContainText(/Page 1\/\d+/);
	await context.close();
});
