/**
 * The welcome board at reception, as it happens in a store: a screen opens /display, the store
 * admin pairs it as a welcome board, it opens the greeting page by itself; an advisor moves one of
 * today's cars on and the customer's status changes on the screen without a reload; nothing the
 * screen receives holds a full plate or a phone number; revoked, it goes back to pairing.
 */
import { expect, test, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import { signInAs } from './signedIn';
import { randomUUID } from 'node:crypto';
import type { BoardCard, Column } from '../../src/lib/domain/board';
import { localDate } from '../../src/lib/domain/calendar';
import { maskPlate } from '../../src/lib/domain/welcome';

async function newPage(browser: Browser, viewport = { width: 1920, height: 1080 }) {
	const { baseURL, locale, timezoneId } = test.info().project.use;
	const context = await browser.newContext({ baseURL, locale, timezoneId, viewport });
	return context.newPage();
}

async function boardCards(request: APIRequestContext): Promise<BoardCard[]> {
	const response = await request.get('/api/stores/demo/board');
	expect(response.status()).toBe(200);
	return (await response.json()).cards;
}

/** The welcome board's row of a card's customer: by masked plate and greeting. */
const rowOf = (page: Page, card: BoardCard) =>
	page.locator('[data-welcome-row]', { hasText: maskPlate(card.plate) }).filter({
		hasText: `${card.customerName} 欢迎您`
	});

/**
 * One of today's booked cars whose next move changes what the customer is told: a confirmed one
 * driven into a bay (待到店 → 维修中), else one at the wash handed over (维修中 → 可取车). Other
 * specs move cards of the same demo store, so whichever is still there is taken.
 */
function pickMove(cards: BoardCard[]): { card: BoardCard; to: Column; from: string; then: string } {
	const today = localDate(Date.now(), 'Asia/Shanghai');
	const todays = cards.filter(
		(c) => !c.walkIn && localDate(Date.parse(c.dueAt), 'Asia/Shanghai') === today
	);
	// a masked plate and greeting shared by two of today's customers would not say whose row it is
	const shown = (c: BoardCard) => `${maskPlate(c.plate)} ${c.customerName}`;
	const unique = (card: BoardCard) => todays.filter((c) => shown(c) === shown(card)).length === 1;
	const confirmed = todays.find((c) => c.column === 'confirmed' && unique(c));
	if (confirmed) return { card: confirmed, to: 'inBay', from: '预约待到店', then: '维修中' };
	const washed = todays.find((c) => c.column === 'wash' && unique(c));
	if (washed) return { card: washed, to: 'handover', from: '维修中', then: '可取车' };
	throw new Error("no confirmed or washed car of today's left on the demo board to move");
}

test('a paired welcome board greets today’s customers, follows a move live; revoked, it leaves', async ({
	browser
}) => {
	// the screen at reception asks for a code
	const screen = await newPage(browser);
	await screen.goto('/display');
	const code = (await screen.locator('[data-pairing-code]').innerText()).trim();

	// the store admin pairs it as a welcome board
	const admin = await newPage(browser, { width: 1280, height: 800 });
	await signInAs(admin, 'admin', '/s/demo/admin');
	const form = admin.locator('form[action="?/pair"]');
	await form.getByLabel('配对码').fill(code);
	await form.getByLabel('欢迎板').check();
	await form.getByLabel('屏幕名称').fill('前台欢迎板');
	await form.getByRole('button', { name: '配对' }).click();
	await expect(admin.getByText('「前台欢迎板」已配对')).toBeVisible();

	// it opens the welcome board by itself, and only that: the board's cards are not for it
	await expect(screen).toHaveURL(/\/s\/demo\/welcome$/, { timeout: 10_000 });
	await expect(screen.locator('[data-welcome-ready]')).toBeAttached();
	await expect(screen.getByRole('heading', { name: '欢迎光临' })).toBeVisible();
	expect((await screen.request.get('/s/demo/board')).status()).toBe(403);
	expect((await screen.request.get('/api/stores/demo/board')).status()).toBe(403);

	// an advisor at the desk, in a browser of their own
	const advisor = await newPage(browser, { width: 1280, height: 800 });
	await signInAs(advisor, 'advisor1', '/s/demo/board');
	const cards = await boardCards(advisor.request);
	const { card, to, from, then } = pickMove(cards);
	const row = rowOf(screen, card);
	await expect(row).toHaveCount(1);
	await expect(row).toContainText(from);

	// nothing the screen was sent holds a full plate or a phone number
	const html = await screen.content();
	const data = await (await screen.request.get('/s/demo/welcome/__data.json')).text();
	const rows = await (await screen.request.get('/s/demo/welcome/rows')).text();
	for (const text of [html, data, rows]) {
		for (const { plate } of cards) {
			expect(text).not.toContain(plate);
			expect(text).not.toContain(plate.replace('·', ''));
		}
		expect(text).not.toMatch(/(?<!\d)1[3-9]\d{9}(?!\d)/);
	}

	// the move, with the advisor page's own Origin as the browser sends it; no reload on the screen
	type Marked = { stayed?: boolean };
	await screen.evaluate(() => ((window as Marked).stayed = true));
	const origin = new URL(advisor.url()).origin;
	const moved = await advisor.request.post(`/api/stores/demo/cards/${card.id}/move`, {
		headers: { origin },
		data: { to, expectedVersion: card.version, idempotencyKey: randomUUID() }
	});
	expect(moved.status()).toBe(200);
	await expect(row).toContainText(then, { timeout: 10_000 });
	await expect(row).not.toContainText(from);
	expect(await screen.evaluate(() => (window as Marked).stayed)).toBe(true);

	// revoked, the screen goes back to pairing and shows a new code
	await admin.reload();
	const listed = admin.locator('#displays-title ~ * tr', { hasText: '前台欢迎板' });
	admin.once('dialog', (dialog) => dialog.accept());
	await listed.getByRole('button', { name: '撤销「前台欢迎板」' }).click();
	await expect(admin.getByText('屏幕已撤销。')).toBeVisible();
	await expect(screen).toHaveURL(/\/display$/, { timeout: 10_000 });
	await expect(screen.locator('[data-pairing-code]')).not.toHaveText(code);
	expect((await screen.request.get('/s/demo/welcome/rows')).status()).toBe(401);

	for (const page of [screen, admin, advisor]) await page.context().close();
});

test('the welcome board speaks English on request: Mr and Ms, surnames in pinyin', async ({
	browser
}) => {
	const page = await newPage(browser, { width: 1280, height: 800 });
	await signInAs(page, 'service', '/s/demo/welcome');
	await expect(page.locator('[data-welcome-ready]')).toBeAttached();
	await expect(page.locator('[data-welcome-row]').first()).toContainText(/欢迎您/);

	await page.getByRole('button', { name: 'English' }).click();
	await expect(page.getByRole('heading', { name: 'Welcome' })).toBeVisible();
	const greetings = await page.locator('[data-welcome-row] strong').allInnerTexts();
	expect(greetings.length).toBeGreaterThan(0);
	for (const name of greetings) expect(name).toMatch(/^(Mr|Ms) [A-Z][a-zü]+$/);
	await expect(page.locator('[data-welcome-row]').first()).toContainText(/^.*Welcome, (Mr|Ms) /);
	await page.getByRole('button', { name: '中文' }).click();
	await expect(page.getByRole('heading', { name: '欢迎光临' })).toBeVisible();
	await page.context().close();
});
