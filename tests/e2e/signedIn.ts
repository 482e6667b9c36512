import { expect, test, type Page } from '@playwright/test';

/** every demo user's password (src/lib/server/db/seed.ts) */
export const DEMO_PASSWORD = 'demo1234';

/** The demo advisor the board and API tests act as (no other spec signs this one out everywhere). */
export const E2E_ADVISOR = 'advisor4';
/** where the setup project leaves the signed-in advisor's cookies */
export const ADVISOR_STATE = 'test-results/.auth/advisor.json';

/** A new browser context as the project's own pages get it: signed in, same locale and origin. */
export function contextOptions() {
	const { baseURL, locale, timezoneId, storageState, extraHTTPHeaders } = test.info().project.use;
	return { baseURL, locale, timezoneId, storageState, extraHTTPHeaders };
}

/**
 * Signs in through the real sign-in form, as `username` (demo password), sent there by a link to
 * `next`, and waits until the browser is back on `next`.
 */
export async function signInAs(page: Page, username: string, next: string) {
	await page.goto(`/login?next=${encodeURIComponent(next)}`);
	await page.getByLabel('用户名', { exact: true }).fill(username);
	await page.getByLabel('密码', { exact: true }).fill(DEMO_PASSWORD);
	await page.getByRole('button', { name: '登录', exact: true }).click();
	await expect(page).toHaveURL(new RegExp(`${next.replaceAll('/', '\\/')}$`));
}
