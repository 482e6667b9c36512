/**
 * The live board as people use it: two screens of the demo store, mouse drags, the keyboard
 * alone, refusals (by the rules on the screen, and by the server), a lost acknowledgement, the
 * language switch, and the three screen sizes. The tests share one seeded database and run in
 * order; each picks its cards from the board as it is at that moment.
 */
import { expect, test, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { COLUMNS, type BoardCard, type Column } from '../../src/lib/domain/board';
import { sortColumn } from '../../src/lib/domain/ordering';
import { FIRST_CARDS } from '../../src/lib/domain/firstScreen';
import { contextOptions } from './signedIn';

const STORE = 'demo';
const SHOTS = '/tmp/shots';

async function boardCards(request: APIRequestContext): Promise<BoardCard[]> {
	const response = await request.get(`/api/stores/${STORE}/board`);
	expect(response.ok()).toBe(true);
	return (await response.json()).cards;
}

async function serverCard(request: APIRequestContext, id: number): Promise<BoardCard> {
	const card = (await boardCards(request)).find((c) => c.id === id);
	if (!card) throw new Error(`card ${id} is not on the board`);
	return card;
}

function pick(cards: BoardCard[], where: (card: BoardCard) => boolean, what: string): BoardCard {
	const card = cards.find(where);
	if (!card) throw new Error(`the demo board has no ${what}`);
	return card;
}

/** Opens the board and waits until it is live (socket connected) and drag and drop is loaded. */
async function openBoard(page: Page, { synced = true } = {}) {
	await page.goto(`/s/${STORE}/board`);
	await expect(page.getByRole('status', { name: /在线|Online/ })).toBeVisible();
	// hydrated, and the first board:sync after connecting answered (unless the test blocks it)
	if (synced) await expect(page.locator('[data-board-ready]')).toBeAttached();
	await expect(page.locator('[data-dnd="ready"]')).toBeAttached();
}

async function newScreen(browser: Browser): Promise<Page> {
	const context = await browser.newContext(contextOptions());
	return context.newPage();
}

/** a prep card the rules let move to "ready" */
const movablePrepCard = async (request: APIRequestContext) =>
	pick(
		await boardCards(request),
		(c) => c.column === 'prep' && !c.partsWaiting && !c.stopWork,
		'prep card without parts waiting'
	);

const cardIn = (page: Page, column: Column, id: number) =>
	page.locator(`#column-${column} [data-card="${id}"]`);

/** the focusable part of a card (its "move to…" button sits beside it) */
const handle = (page: Page, id: number) => page.locator(`[data-card="${id}"] [data-handle]`);

/** A real mouse drag: press the card, move a little (the drag starts), over the column, release. */
async function drag(page: Page, id: number, to: Column) {
	const card = page.locator(`[data-card="${id}"]`);
	await card.scrollIntoViewIfNeeded();
	const from = await card.boundingBox();
	const column = page.locator(`#column-${to}`);
	const target = await column.boundingBox();
	if (!from || !target) throw new Error('card or column not on screen');
	await page.mouse.move(from.x + 30, from.y + 20);
	await page.mouse.down();
	await page.mouse.move(from.x + 45, from.y + 30, { steps: 4 });
	await expect(card).toHaveClass(/\bsource\b/);
	await page.mouse.move(target.x + target.width / 2, target.y + 160, { steps: 12 });
	await expect(column).toHaveClass(/\bover\b/);
	await page.mouse.up();
}

async function shownOrder(page: Page, column: Column): Promise<number[]> {
	return page
		.locator(`#column-${column} [data-card]`)
		.evaluateAll((els) => els.map((el) => Number((el as HTMLElement).dataset.card)));
}

test('every column shows its cards in the board order, with counts', async ({ page, request }) => {
	const cards = await boardCards(request);
	await openBoard(page);
	for (const column of COLUMNS) {
		const expected = sortColumn(cards.filter((c) => c.column === column)).map((c) => c.id);
		expect(await shownOrder(page, column), column).toEqual(expected);
		await expect(page.locator(`#column-${column} h2 .count`)).toHaveText(String(expected.length));
	}
	// a stopped card says so, with its reason and for how long, in red
	const stopped = pick(cards, (c) => c.stopWork?.reason === 'parts', 'card stopped for parts');
	const face = page.locator(`[data-card="${stopped.id}"]`);
	await expect(face).toContainText('停工待料');
	await expect(face).toContainText(/已停 \d/);
});

test('a cold load opens one socket, as the page is parsed, and the app takes it over', async ({ browser }) => {
	const context = await browser.newContext(contextOptions());
	const page = await context.newPage();
	// every WebSocket the page opens, the CONNECTs it sends and the frames it gets
	const sockets: string[] = [];
	const connects: string[] = [];
	const received: string[] = [];
	page.on('websocket', (ws) => {
		sockets.push(ws.url());
		ws.on('framesent', ({ payload }) => {
			if (typeof payload === 'string' && payload.startsWith('40')) connects.push(payload);
		});
		ws.on('framereceived', ({ payload }) => received.push(String(payload).slice(0, 40)));
	});
	await openBoard(page);
	expect(await page.evaluate(() => (window as never as { __wbEarlySocket?: { claimed?: boolean } }).__wbEarlySocket?.claimed)).toBe(true);
	expect(sockets).toHaveLength(1);
	// the URL names the board: the server makes the handshake, with the board's first sync, as
	// the socket opens, and the page sends none of its own
	expect(sockets[0]).toMatch(new RegExp(`/socket\\.io/\\?EIO=4&transport=websocket&board=${STORE}$`));
	expect(connects).toEqual([]);
	expect(received.slice(0, 3).map((f) => f.slice(0, 4))).toEqual(['0{"s', '40{"', '42["']);
	expect(received[2]).toMatch(/^42\["board:synced"/);
	// and the board is live on it: a move elsewhere shows up
	const request = context.request;
	const card = await movablePrepCard(request);
	const moved = await request.post(`/api/stores/${STORE}/cards/${card.id}/move`, {
		data: { to: 'ready', expectedVersion: card.version, idempotencyKey: `e2e-early-${Date.now()}` }
	});
	expect(moved.status(), await moved.text()).toBe(200);
	await expect(cardIn(page, 'ready', card.id)).toBeVisible();
	expect(sockets).toHaveLength(1);
	await context.close();
});

test('when the early socket is lost after its handshake, before the app takes it, the app opens its own and syncs', async ({ browser }) => {
	const context = await browser.newContext(contextOptions());
	const page = await context.newPage();
	let seen = 0;
	const connects: string[] = [];
	await page.routeWebSocket(/\/socket\.io\//, (ws) => {
		// the first WebSocket (the inline script's) is dropped right after the server made its
		// handshake (its URL names the board); the next ones go through
		const first = ++seen === 1;
		const server = ws.connectToServer();
		ws.onMessage((message) => {
			if (typeof message === 'string' && message.startsWith('40')) connects.push(message);
			server.send(message);
		});
		server.onMessage((message) => {
			if (first && typeof message === 'string' && message.startsWith('40')) return void ws.close();
			ws.send(message);
		});
	});
	await openBoard(page);
	expect(seen).toBeGreaterThanOrEqual(2);
	// the app's own socket sent its own handshake, with the board's first sync
	expect(connects.length).toBeGreaterThanOrEqual(1);
	expect(JSON.parse(connects[0].slice(2))).toEqual({ store: STORE, sync: { since: 0, full: true, sparse: true } });
	await context.close();
});

test('the page shows the first screenful with every count; its first sync brings the rest', async ({
	page,
	request
}) => {
	// the first sync rides on the socket's handshake (the server makes it for the page's early
	// socket, with SocketAuth.sync); its answer, board:synced, waits here until the test lets it go
	const held: (() => void)[] = [];
	let hold = true;
	const urls: string[] = [];
	await page.routeWebSocket(/\/socket\.io\//, (ws) => {
		urls.push(ws.url());
		const server = ws.connectToServer();
		ws.onMessage((message) => server.send(message));
		server.onMessage((message) => {
			if (hold && typeof message === 'string' && message.startsWith('42["board:synced"')) {
				return void held.push(() => ws.send(message));
			}
			ws.send(message);
		});
	});
	const before = await boardCards(request);
	await page.goto(`/s/${STORE}/board`);
	await expect(page.getByRole('status', { name: /在线|Online/ })).toBeVisible();
	await expect.poll(() => held.length).toBe(1);
	// the early socket's URL names the board: the server's handshake for it asks for the whole board
	expect(urls).toEqual([expect.stringMatching(new RegExp(`&board=${STORE}$`))]);
	// before the rest arrives: a screenful of each column, and the server's counts in the header
	for (const column of COLUMNS) {
		const all = sortColumn(before.filter((c) => c.column === column)).map((c) => c.id);
		await expect(page.locator(`#column-${column} h2 .count`)).toHaveText(String(all.length));
		expect(await shownOrder(page, column), column).toEqual(all.slice(0, FIRST_CARDS));
	}
	expect(before.filter((c) => c.column === 'prep').length).toBeGreaterThan(FIRST_CARDS);

	// a move elsewhere before the snapshot: its event reaches the screen first and applies on top
	const moved = await movablePrepCard(request);
	const elsewhere = await request.post(`/api/stores/${STORE}/cards/${moved.id}/move`, {
		data: { to: 'ready', expectedVersion: moved.version, idempotencyKey: `e2e-first-${Date.now()}` }
	});
	expect(elsewhere.ok()).toBe(true);
	hold = false;
	for (const send of held.splice(0)) send();

	await expect(page.locator('[data-board-ready]')).toBeAttached();
	const after = await boardCards(request);
	expect(after.find((c) => c.id === moved.id)?.column).toBe('ready');
	for (const column of COLUMNS) {
		const expected = sortColumn(after.filter((c) => c.column === column)).map((c) => c.id);
		await expect.poll(() => shownOrder(page, column), { message: column }).toEqual(expected);
		await expect(page.locator(`#column-${column} h2 .count`)).toHaveText(String(expected.length));
	}
});

test('a card dragged on one screen moves on another screen without reload', async ({
	page,
	browser,
	request
}) => {
	const card = await movablePrepCard(request);
	const other = await newScreen(browser);
	await openBoard(page);
	await openBoard(other);

	await drag(page, card.id, 'ready');
	await expect(cardIn(page, 'ready', card.id)).toBeVisible();
	await expect(cardIn(other, 'ready', card.id)).toBeVisible();
	await expect(cardIn(other, 'prep', card.id)).toHaveCount(0);
	// the other screen points out what moved under its nose
	await expect(other.locator(`[data-card="${card.id}"]`)).toHaveClass(/\bflash\b/);

	await expect.poll(async () => (await serverCard(request, card.id)).column).toBe('ready');
	// both screens put it where the board's order says
	const expected = sortColumn((await boardCards(request)).filter((c) => c.column === 'ready'));
	for (const screen of [page, other]) {
		await expect.poll(() => shownOrder(screen, 'ready')).toEqual(expected.map((c) => c.id));
	}
	await other.context().close();
});

test('on a tablet a card is dragged after a short hold of the finger', async ({
	browser,
	request
}) => {
	const card = await movablePrepCard(request);
	const context = await browser.newContext({
		...contextOptions(),
		viewport: { width: 1280, height: 800 },
		hasTouch: true,
		isMobile: false
	});
	const page = await context.newPage();
	await openBoard(page);
	const item = page.locator(`[data-card="${card.id}"]`);
	await item.scrollIntoViewIfNeeded();
	const from = await item.boundingBox();
	const to = await page.locator('#column-ready').boundingBox();
	if (!from || !to) throw new Error('card or column not on screen');
	const cdp = await context.newCDPSession(page);
	const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', x: number, y: number) =>
		cdp.send('Input.dispatchTouchEvent', {
			type,
			touchPoints: type === 'touchEnd' ? [] : [{ x, y, id: 1 }]
		});

	await touch('touchStart', from.x + 30, from.y + 20);
	// the finger rests: after the hold the card lifts (a swipe would have scrolled instead)
	await expect(item).toHaveClass(/\bsource\b/);
	for (let i = 1; i <= 12; i++) {
		await touch(
			'touchMove',
			from.x + 30 + ((to.x + to.width / 2 - from.x - 30) * i) / 12,
			from.y + 20 + ((to.y + 160 - from.y - 20) * i) / 12
		);
	}
	await expect(page.locator('#column-ready')).toHaveClass(/\bover\b/);
	await touch('touchEnd', 0, 0);
	await expect(cardIn(page, 'ready', card.id)).toBeVisible();
	await expect.poll(async () => (await serverCard(request, card.id)).column).toBe('ready');
	await context.close();
});

test('a card moves with the keyboard alone, and every step is spoken', async ({
	page,
	request
}) => {
	const card = pick(await boardCards(request), (c) => c.column === 'ready', 'ready card');
	await openBoard(page);
	const live = page.locator('#board-live');

	await handle(page, card.id).focus();
	await page.keyboard.press('Space');
	await expect(live).toContainText(`已拿起 ${card.plate}`);
	await page.keyboard.press('ArrowRight');
	await expect(live).toContainText('预约确认：可以放下');
	await expect(page.locator('#column-confirmed')).toHaveClass(/\bover\b/);
	await page.keyboard.press('ArrowRight');
	await expect(live).toContainText('在修：不能移入');
	await page.keyboard.press('ArrowLeft');
	await page.keyboard.press('Enter');

	await expect(cardIn(page, 'confirmed', card.id)).toBeVisible();
	await expect(cardIn(page, 'confirmed', card.id).locator('[data-handle]')).toBeFocused();
	await expect(live).toContainText(`${card.plate} 已保存在预约确认`);
	expect((await serverCard(request, card.id)).column).toBe('confirmed');
});

test('the "move to…" menu works with the keyboard alone', async ({ page, request }) => {
	const card = pick(await boardCards(request), (c) => c.column === 'confirmed', 'confirmed card');
	await openBoard(page);

	await handle(page, card.id).focus();
	await page.keyboard.press('Tab');
	const button = page.getByRole('button', { name: `移动 ${card.plate}` });
	await expect(button).toBeFocused();
	await page.keyboard.press('Enter');
	const menu = page.getByRole('menu', { name: `把 ${card.plate} 移到` });
	await expect(menu).toBeVisible();
	// the allowed columns only: back to 准备完成, on to 在修
	await expect(menu.getByRole('menuitem', { name: '准备完成' })).toBeFocused();
	await expect(menu.getByRole('menuitem', { name: '交车' })).toHaveCount(0);
	await page.keyboard.press('ArrowDown');
	await expect(menu.getByRole('menuitem', { name: '在修' })).toBeFocused();
	await page.keyboard.press('Enter');

	await expect(menu).toBeHidden();
	await expect(cardIn(page, 'inBay', card.id)).toBeVisible();
	await expect(cardIn(page, 'inBay', card.id).locator('[data-handle]')).toBeFocused();
	await expect.poll(async () => (await serverCard(request, card.id)).column).toBe('inBay');
});

test('a move the rules refuse stays where it was, with a message saying why', async ({
	page,
	request
}) => {
	const cards = await boardCards(request);
	const skipper = pick(cards, (c) => c.column === 'prep' && !c.partsWaiting, 'prep card');
	const waiting = pick(
		cards,
		(c) => c.column === 'prep' && c.partsWaiting,
		'prep card waiting for parts'
	);
	await openBoard(page);

	await drag(page, skipper.id, 'handover');
	const skipped = page.getByRole('alert').filter({ hasText: skipper.plate });
	await expect(skipped).toContainText(`${skipper.plate} 不能移到交车`);
	await expect(skipped).toContainText('不能跳过流程中的步骤');
	await expect(cardIn(page, 'prep', skipper.id)).toBeVisible();

	await drag(page, waiting.id, 'ready');
	const parts = page.getByRole('alert').filter({ hasText: waiting.plate });
	await expect(parts).toContainText(`${waiting.plate} 不能移到准备完成`);
	await expect(parts).toContainText('零件还没到齐（待料）');
	await expect(cardIn(page, 'prep', waiting.id)).toBeVisible();

	// the toast can be dismissed
	await parts.getByRole('button', { name: '关闭提示' }).click();
	await expect(parts).toBeHidden();

	for (const card of [skipper, waiting]) {
		const now = await serverCard(request, card.id);
		expect([now.column, now.version]).toEqual(['prep', card.version]);
	}
});

test('a move the server refuses (moved elsewhere first) shows the truth and a message', async ({
	page,
	request
}) => {
	// this screen stops hearing about other screens: no events, no heartbeat, no catching up
	await page.routeWebSocket(/\/socket\.io\//, (ws) => {
		const server = ws.connectToServer();
		ws.onMessage((message) => {
			if (typeof message === 'string' && message.includes('"board:sync"')) return;
			server.send(message);
		});
		server.onMessage((message) => {
			// nor the answer to the sync its handshake carried
			if (typeof message === 'string' && /^42\["(card:moved|board:head|board:synced)"/.test(message)) return;
			ws.send(message);
		});
	});
	// the first ready card in the board's order: a screen that cannot sync shows only the first
	// screenful of each column (the rest comes with the sync)
	const card = pick(
		sortColumn((await boardCards(request)).filter((c) => c.column === 'ready')),
		() => true,
		'ready card'
	);
	// board:sync never reaches the server: the board is live but never "ready"
	await openBoard(page, { synced: false });
	await expect(page.locator('[data-board-ready]')).toHaveCount(0);

	const elsewhere = await request.post(`/api/stores/${STORE}/cards/${card.id}/move`, {
		data: { to: 'confirmed', expectedVersion: card.version, idempotencyKey: `e2e-${Date.now()}` }
	});
	expect(elsewhere.ok()).toBe(true);
	await expect(cardIn(page, 'ready', card.id)).toBeVisible(); // stale, as intended

	// back to prep: allowed by the rules this screen knows, refused by the server (version)
	await handle(page, card.id).focus();
	await page.keyboard.press('Space');
	await page.keyboard.press('ArrowLeft');
	await page.keyboard.press('Enter');

	const alert = page.getByRole('alert').filter({ hasText: card.plate });
	await expect(alert).toContainText(`${card.plate} 没有移到维修准备`);
	await expect(alert).toContainText('刚被别人移动过');
	// the screen adopts the card the server sent with its refusal
	await expect(cardIn(page, 'confirmed', card.id)).toBeVisible();
	await expect(cardIn(page, 'prep', card.id)).toHaveCount(0);
	expect((await serverCard(request, card.id)).column).toBe('confirmed');
});

test('a move whose answer is lost with the connection is retried with the same key', async ({
	page,
	request
}) => {
	const moves: string[] = [];
	let loseNextAnswer = true;
	await page.routeWebSocket(/\/socket\.io\//, (ws) => {
		const server = ws.connectToServer();
		ws.onMessage((message) => {
			if (typeof message === 'string' && message.includes('"card:move"')) moves.push(message);
			server.send(message);
		});
		server.onMessage((message) => {
			const moveAnswer = /^43\d+\[\{"ok":true,"data":\{"event"/;
			if (loseNextAnswer && typeof message === 'string' && moveAnswer.test(message)) {
				loseNextAnswer = false; // the move committed, but its answer never arrives
				void ws.close();
				void server.close();
				return;
			}
			ws.send(message);
		});
	});
	const card = pick(
		await boardCards(request),
		(c) => c.column === 'inBay' && !c.stopWork,
		'working card'
	);
	await openBoard(page);

	await handle(page, card.id).focus();
	await page.keyboard.press('Space');
	await page.keyboard.press('ArrowRight');
	await page.keyboard.press('Enter');
	await expect(cardIn(page, 'qc', card.id)).toBeVisible();

	await expect(page.getByRole('status', { name: /离线|连接中/ })).toBeVisible();
	await expect(page.getByRole('status', { name: /在线/ })).toBeVisible();
	await expect.poll(() => moves.length).toBeGreaterThanOrEqual(2);
	const keys = moves.map((message) => JSON.parse(message.replace(/^42\d*/, ''))[1].idempotencyKey);
	expect(new Set(keys).size).toBe(1);

	await expect(page.locator('#board-live')).toContainText(`${card.plate} 已保存在质检`);
	await expect(page.getByRole('alert')).toHaveCount(0);
	await expect(cardIn(page, 'qc', card.id)).toBeVisible();
	const now = await serverCard(request, card.id);
	expect([now.column, now.version]).toEqual(['qc', card.version + 1]); // applied once
});

test('the language switch shows the board in English', async ({ page, request }) => {
	const card = pick(
		await boardCards(request),
		(c) => c.column === 'prep' && !c.partsWaiting,
		'prep card'
	);
	await openBoard(page);
	await expect(page.locator('#column-prep h2')).toContainText('维修准备');

	await page.getByRole('button', { name: 'English' }).click();
	await expect(page.locator('html')).toHaveAttribute('lang', 'en');
	await expect(page.getByRole('status', { name: /Online/ })).toBeVisible();
	for (const [column, label] of [
		['prep', 'Prep'],
		['ready', 'Ready'],
		['confirmed', 'Confirmed'],
		['inBay', 'In bay'],
		['qc', 'QC'],
		['wash', 'Wash'],
		['handover', 'Handover']
	]) {
		await expect(page.locator(`#column-${column} h2`)).toContainText(label);
	}
	await expect(page.getByRole('button', { name: `Move ${card.plate}` })).toBeVisible();

	// messages too: a refused keyboard move, in English
	await handle(page, card.id).focus();
	await page.keyboard.press('Space');
	await expect(page.locator('#board-live')).toContainText(`Picked up ${card.plate}`);
	for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowRight');
	await expect(page.locator('#board-live')).toContainText('Handover: cannot move here');
	await page.keyboard.press('Enter');
	const alert = page.getByRole('alert').filter({ hasText: card.plate });
	await expect(alert).toContainText(`${card.plate} cannot move to Handover`);
	await expect(alert).toContainText('A card cannot skip steps of the flow');

	await page.getByRole('button', { name: '中文' }).click();
	await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
	await expect(page.locator('#column-prep h2')).toContainText('维修准备');
});

test('the index lists the stores with a link to each board', async ({ page }) => {
	await page.goto('/');
	await page.getByRole('link', { name: /上海浦东4S店/ }).click();
	await expect(page).toHaveURL(/\/s\/demo\/board$/);
	await expect(page.getByRole('heading', { level: 1, name: '上海浦东4S店' })).toBeVisible();
});

for (const [width, height, name, allColumnsFit] of [
	[1920, 1080, 'wall TV', true],
	[1280, 800, 'tablet', true],
	[390, 844, 'phone', false]
] as const) {
	test(`on a ${name} (${width}×${height}) the board fits as designed`, async ({ browser }) => {
		mkdirSync(SHOTS, { recursive: true });
		const context = await browser.newContext({
			...contextOptions(),
			viewport: { width, height },
			hasTouch: width < 1920
		});
		const page = await context.newPage();
		await openBoard(page);

		// the page itself never scrolls sideways
		const pageWidth = await page.evaluate(() => document.documentElement.scrollWidth);
		expect(pageWidth).toBeLessThanOrEqual(width);
		const inView = await Promise.all(
			COLUMNS.map(async (column) => {
				const box = await page.locator(`#column-${column}`).boundingBox();
				return box !== null && box.x >= 0 && box.x + box.width <= width + 0.5;
			})
		);
		await page.screenshot({ path: `${SHOTS}/board-${width}x${height}.png` });
		if (allColumnsFit) {
			expect(inView).toEqual(COLUMNS.map(() => true));
		} else {
			// a phone shows one column at a time, snapped, with a strip to jump between them
			expect(inView[0]).toBe(true);
			expect(inView.filter(Boolean)).toHaveLength(1);
			const nav = page.getByRole('navigation', { name: '看板各列' });
			await nav.getByRole('button', { name: /在修/ }).click();
			await expect
				.poll(async () => (await page.locator('#column-inBay').boundingBox())?.x ?? -1)
				.toBeLessThan(40);
			await page.screenshot({ path: `${SHOTS}/board-${width}x${height}-in-bay.png` });
		}
		await context.close();
	});
}
