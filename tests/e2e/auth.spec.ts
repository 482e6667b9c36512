/**
 * Signing in and out through the real form, as people do: a wrong password, the way back to the
 * page that sent them, a role that may not open the admin page, and signing out on every device
 * at once. Each test uses its own demo user, so the per-account sign-in limit never meets another.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';

const PASSWORD = 'demo1234';

async function newPage(browser: Browser): Promise<Page> {
	const { baseURL, locale, timezoneId } = test.info().project.use;
	const context = await browser.newContext({ baseURL, locale, timezoneId });
	return context.newPage();
}

/** Fills and sends the sign-in form of the page the browser is on. */
async function submitSignIn(page: Page, username: string, password: string) {
	await page.getByLabel('用户名', { exact: true }).fill(username);
	await page.getByLabel('密码', { exact: true }).fill(password);
	await page.getByRole('button', { name: '登录', exact: true }).click();
}

async function signIn(page: Page, username: string, next?: string) {
	await page.goto(next ? `/login?next=${encodeURIComponent(next)}` : '/login');
	await submitSignIn(page, username, PASSWORD);
	await expect(page).not.toHaveURL(/\/login/);
}

const sessionCookie = async (page: Page) =>
	(await page.context().cookies()).find((cookie) => cookie.name === 'wb_session');

test('a wrong password is refused with a message, keeps the user name and sets no cookie', async ({
	page
}) => {
	await page.goto('/login');
	await page.getByRole('button', { name: '登录', exact: true }).click();
	await expect(page.getByText('请输入用户名')).toBeVisible();
	await expect(page.getByText('请输入密码')).toBeVisible();

	await submitSignIn(page, 'advisor2', 'not-the-password');
	await expect(page.getByRole('alert')).toHaveText('用户名或密码不正确');
	await expect(page.getByLabel('用户名', { exact: true })).toHaveValue('advisor2');
	await expect(page.getByLabel('密码', { exact: true })).toHaveValue('');
	await expect(page).toHaveURL(/\/login$/);
	expect(await sessionCookie(page)).toBeUndefined();
});

test('signing in goes back to the board that asked; signing out ends the session', async ({
	page
}) => {
	await page.goto('/login?next=/s/demo/board');
	await submitSignIn(page, 'advisor1', PASSWORD);
	await expect(page).toHaveURL(/\/s\/demo\/board$/);
	await expect(page.getByRole('status', { name: /在线/ })).toBeVisible();
	const cookie = await sessionCookie(page);
	expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/', secure: false });

	// signed in already: the sign-in page sends the person on
	await page.goto('/login');
	await expect(page).toHaveURL(/\/$/);

	await page.goto('/logout');
	await page.getByRole('button', { name: '退出登录', exact: true }).click();
	await expect(page).toHaveURL(/\/login$/);
	expect(await sessionCookie(page)).toBeUndefined();
	await page.goto('/s/demo/board');
	await expect(page).toHaveURL(/\/login\?next=%2Fs%2Fdemo%2Fboard$/);
});

test('a sign-in link cannot send the browser to another site', async ({ page }) => {
	await page.goto('/login?next=//evil.example/steal');
	await submitSignIn(page, 'advisor3', PASSWORD);
	await expect(page).toHaveURL(/^http:\/\/127\.0\.0\.1:\d+\/$/);
});

test('a technician may not open the admin page (403)', async ({ page }) => {
	await signIn(page, 'tech1');
	const response = await page.goto('/s/demo/admin');
	expect(response?.status()).toBe(403);
	await expect(page.getByText('403')).toBeVisible();
});

test('signing out everywhere ends the session of the other device too', async ({ browser }) => {
	const desk = await newPage(browser);
	const tablet = await newPage(browser);
	await signIn(desk, 'director');
	await signIn(tablet, 'director', '/s/demo/board');
	await expect(tablet.getByRole('status', { name: /在线/ })).toBeVisible();

	await desk.goto('/logout');
	await desk.getByRole('button', { name: '所有设备退出登录' }).click();
	await expect(desk).toHaveURL(/\/login$/);

	// the tablet's socket is closed by the server; its board then asks for a sign-in
	await expect(tablet).toHaveURL(/\/login\?next=%2Fs%2Fdemo%2Fboard$/);
	// and its cookie opens nothing any more, even where the board would not look
	const response = await tablet.request.get('/api/stores/demo/board');
	expect(response.status()).toBe(401);
	await desk.context().close();
	await tablet.context().close();
});
