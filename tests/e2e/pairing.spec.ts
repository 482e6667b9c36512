/**
 * Pairing a wall TV as it happens in a workshop: the TV opens /display and shows a code, the store
 * admin types it on the admin page, the TV opens the board by itself; the admin revokes it and it
 * leaves the board. Also: an API token shown once, used, and revoked; and the three pages at the
 * three screen sizes (screenshots in /tmp/shots-auth).
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import { signInAs } from './signedIn';
import { mkdirSync } from 'node:fs';

const SHOTS = '/tmp/shots-auth';
const SIZES = {
	tv: { width: 1920, height: 1080 },
	tablet: { width: 1280, height: 800 },
	phone: { width: 390, height: 844 }
} as const;

async function newPage(
	browser: Browser,
	viewport: { width: number; height: number } = SIZES.tablet
) {
	const { baseURL, locale, timezoneId } = test.info().project.use;
	const context = await browser.newContext({ baseURL, locale, timezoneId, viewport });
	return context.newPage();
}

/** Opens the admin page the way an admin does: sent to the sign-in page, and back. */
async function openAdmin(page: Page) {
	await page.goto('/s/demo/admin');
	await expect(page).toHaveURL(/\/login\?next=%2Fs%2Fdemo%2Fadmin$/);
	await signInAs(page, 'admin', '/s/demo/admin');
	await expect(page.getByRole('heading', { name: '屏幕与令牌' })).toBeVisible();
}

const pairForm = (page: Page) => page.locator('form[action="?/pair"]');

test('a TV shows a code, the admin pairs it, it opens the board; revoked, it leaves', async ({
	browser
}) => {
	const tv = await newPage(browser, SIZES.tv);
	await tv.goto('/display');
	const shown = (await tv.locator('[data-pairing-code]').innerText()).trim();
	expect(shown).toMatch(/^[2-9A-HJKMNP-Z]{3}-[2-9A-HJKMNP-Z]{3}$/);
	await expect(tv.getByText('请店长在「屏幕与令牌」页面输入此配对码')).toBeVisible();
	await expect(tv.getByText(/配对码 (10|9) 分钟内有效/)).toBeVisible();

	const admin = await newPage(browser);
	await openAdmin(admin);
	const form = pairForm(admin);

	// a code of the wrong shape, then one nobody shows: each says so on the field
	await form.getByLabel('配对码').fill('12');
	await form.getByLabel('屏幕名称').fill('车间大屏 1');
	await form.getByRole('button', { name: '配对' }).click();
	await expect(form.getByText('配对码是 6 位字母和数字，例如 7KQ-M3P')).toBeVisible();
	await form.getByLabel('配对码').fill(shown === 'ZZZ-ZZZ' ? 'YYY-YYY' : 'ZZZ-ZZZ');
	await form.getByRole('button', { name: '配对' }).click();
	await expect(form.getByText('配对码不存在或已过期，请输入屏幕上当前显示的配对码')).toBeVisible();
	await expect(form.getByLabel('屏幕名称')).toHaveValue('车间大屏 1');

	// typed as people type it: lower case, the dash or not
	await form.getByLabel('配对码').fill(shown.toLowerCase());
	await form.getByLabel('车间大屏').check();
	await form.getByRole('button', { name: '配对' }).click();
	await expect(admin.getByText('「车间大屏 1」已配对')).toBeVisible();
	const row = admin.locator('#displays-title ~ * tr', { hasText: '车间大屏 1' });
	await expect(row).toContainText('黄振华');

	// the TV notices within a poll or two and opens the live board by itself
	await expect(tv).toHaveURL(/\/s\/demo\/tv$/, { timeout: 10_000 });
	await expect(tv.getByRole('status', { name: /在线/ })).toBeVisible();
	await admin.reload();
	await expect(row).toContainText('使用中');
	// a display is read-only and has no admin page
	expect((await tv.request.get('/s/demo/admin')).status()).toBe(403);

	admin.once('dialog', (dialog) => dialog.accept());
	await row.getByRole('button', { name: '撤销「车间大屏 1」' }).click();
	await expect(admin.getByText('屏幕已撤销。')).toBeVisible();
	await expect(row).toContainText('已撤销');
	await expect(row.getByRole('button')).toHaveCount(0);

	// The server closes the TV's socket; the board's client then sends a display back to pairing
	// (assumed: BoardScreen's signed-out handler). It shows a new code, and its old credential
	// opens nothing.
	await expect(tv).toHaveURL(/\/display$/, { timeout: 10_000 });
	await expect(tv.locator('[data-pairing-code]')).not.toHaveText(shown);
	expect((await tv.request.get('/api/stores/demo/board')).status()).toBe(401);

	// every step is in the store's audit log
	await admin.reload();
	const audit = admin.locator('#audit-title ~ * tbody');
	await expect(audit.locator('tr[data-audit="display:pair"]')).toHaveCount(2); // refused, then ok
	await expect(audit.locator('tr[data-audit="display:revoke"]')).toHaveCount(1);
	await tv.context().close();
	await admin.context().close();
});

test('an API token is shown once, lets an integration read the board, stops when revoked', async ({
	browser,
	playwright
}) => {
	const admin = await newPage(browser);
	await openAdmin(admin);
	const tokens = admin.locator('form[action="?/createToken"]');
	await tokens.getByLabel('令牌名称').fill('DMS 接口');
	await tokens.getByLabel('角色').selectOption({ label: '零件' });
	await tokens.getByRole('button', { name: '创建令牌' }).click();
	await expect(admin.getByText('令牌「DMS 接口」已创建。请立即复制保存：它只显示这一次。')).toBeVisible();
	const token = await admin.locator('[data-token]').inputValue();
	expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);

	const { baseURL } = test.info().project.use;
	const integration = await playwright.request.newContext({
		baseURL,
		extraHTTPHeaders: { authorization: `Bearer ${token}` }
	});
	expect((await integration.get('/api/stores/demo/board')).status()).toBe(200);

	// shown once: the next page load has only its name
	await admin.reload();
	await expect(admin.locator('[data-token]')).toHaveCount(0);
	const row = admin.locator('tr', { hasText: 'DMS 接口' });
	await expect(row).toContainText('零件');

	admin.once('dialog', (dialog) => dialog.accept());
	await row.getByRole('button', { name: '撤销「DMS 接口」' }).click();
	await expect(admin.getByText('令牌已撤销。')).toBeVisible();
	expect((await integration.get('/api/stores/demo/board')).status()).toBe(401);
	await integration.dispose();
	await admin.context().close();
});

test('sign-in, pairing and admin pages fit a TV, a tablet and a phone', async ({ browser }) => {
	mkdirSync(SHOTS, { recursive: true });
	for (const [name, viewport] of Object.entries(SIZES)) {
		const page = await newPage(browser, viewport);
		const fits = async () =>
			expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
				viewport.width
			);

		await page.goto('/login');
		await expect(page.getByLabel('用户名', { exact: true })).toBeVisible();
		await fits();
		await page.screenshot({ path: `${SHOTS}/login-${name}.png` });

		await page.goto('/display');
		await expect(page.locator('[data-pairing-code]')).toBeVisible();
		await fits();
		await page.screenshot({ path: `${SHOTS}/display-${name}.png` });

		await signInAs(page, 'admin', '/s/demo/admin');
		await expect(page.getByRole('heading', { name: '屏幕与令牌' })).toBeVisible();
		await fits();
		await page.screenshot({ path: `${SHOTS}/admin-${name}.png`, fullPage: true });
		await page.context().close();
	}
});
