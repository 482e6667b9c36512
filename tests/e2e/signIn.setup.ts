/**
 * Signs in once, through the real sign-in page, as the advisor the board tests act as; the
 * projects that depend on this one start signed in (Playwright's storage state).
 */
import { expect, test as setup } from '@playwright/test';
import { ADVISOR_STATE, E2E_ADVISOR } from './signedIn';

setup('an advisor signs in', async ({ page }) => {
	await page.goto('/login');
	await page.getByLabel(/用户名|User name/i).fill(E2E_ADVISOR);
	await page.getByLabel(/密码|Password/i).fill('demo1234');
	await page.getByLabel(/密码|Password/i).press('Enter');
	await expect(page).not.toHaveURL(/\/login/);
	await page.context().storageState({ path: ADVISOR_STATE });
});
