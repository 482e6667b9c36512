/**
 * Visual baselines of the technical director's morning review at the three screen sizes, on the
 * visual server (fixed clock, its own seeded database).
 */
import { expect, test } from '@playwright/test';
import { signInAs } from './signedIn';
import { useVisualClock } from './visualClock';

for (const [width, height, name] of [
	[1920, 1080, 'tv'],
	[1280, 800, 'tablet'],
	[390, 844, 'phone']
] as const) {
	test(`the morning review on a ${name} (${width}×${height}) looks as it did`, async ({ browser }) => {
		test.setTimeout(60_000);
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
		await signInAs(page, 'director', '/s/demo/review');
		await expect(page.locator('[data-review-card]').first()).toBeVisible();
		// the socket is up (its first connect re-reads the list once): the page is settled
		await expect(page.getByText('实时', { exact: true })).toBeVisible();
		const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
		expect(scrollWidth).toBeLessThanOrEqual(width);
		await expect(page).toHaveScreenshot(`review-${width}x${height}.png`);
		await context.close();
	});
}
