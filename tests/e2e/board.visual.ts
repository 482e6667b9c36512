/**
 * Visual baselines of the board as an advisor sees it, at the three screen sizes, taken on the
 * visual server (fixed clock, its own seeded database) and compared with the committed PNGs in
 * tests/e2e/__screenshots__.
 */
import { expect, test } from '@playwright/test';
import { signInAs } from './signedIn';
import { useVisualClock } from './visualClock';

for (const [width, height, name] of [
	[1920, 1080, 'tv'],
	[1280, 800, 'tablet'],
	[390, 844, 'phone']
] as const) {
	test(`the board on a ${name} (${width}×${height}) looks as it did`, async ({ browser }) => {
		const { baseURL } = test.info().project.use;
		const context = await browser.newContext({
			baseURL,
			locale: 'zh-CN',
			timezoneId: 'Asia/Shanghai',
			viewport: { width, height },
			hasTouch: width < 1920
		});
		const page = await context.newPage();
		await useVisualClock(page);
		await signInAs(page, 'advisor2', '/s/demo/board');
		await expect(page.locator('[data-board-ready]')).toBeAttached();
		await expect(page.getByRole('status', { name: /在线/ })).toBeVisible();
		await expect(page).toHaveScreenshot(`board-advisor-${width}x${height}.png`);
		await context.close();
	});
}
