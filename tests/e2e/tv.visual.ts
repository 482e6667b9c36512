/**
 * Visual baselines of the wall TV view (/s/:store/tv) at a 1080p TV, a 4K TV, a tablet and a
 * phone, taken on the visual server (fixed clock, its own seeded database) as the technical
 * director opens it on the office TV. Compared with the committed PNGs in
 * tests/e2e/__screenshots__.
 */
import { expect, test, type Page } from '@playwright/test';
import { signInAs } from './signedIn';
import { VISUAL_NOW } from './visualClock';

/**
 * The page's clock starts at the visual moment and, once the board is live, stops: the columns
 * turn their pages every few seconds, and a screenshot must not catch one half-way.
 */
async function stopTheClockWhenReady(page: Page) {
	await expect(page.locator('[data-board-ready]')).toBeAttached();
	const now = await page.evaluate(() => Date.now());
	await page.clock.pauseAt(now + 50);
}

for (const [width, height, name] of [
	[1920, 1080, 'tv'],
	[3840, 2160, 'tv-4k'],
	[1280, 800, 'tablet'],
	[390, 844, 'phone']
] as const) {
	test(`the TV view on a ${name} (${width}×${height}) looks as it did`, async ({ browser }) => {
		const { baseURL } = test.info().project.use;
		const context = await browser.newContext({
			baseURL,
			locale: 'zh-CN',
			timezoneId: 'Asia/Shanghai',
			viewport: { width, height }
		});
		const page = await context.newPage();
		await page.clock.install({ time: new Date(VISUAL_NOW) });
		await signInAs(page, 'director', '/s/demo/tv');
		await stopTheClockWhenReady(page);
		await expect(page.getByRole('status', { name: /在线/ })).toBeVisible();
		// nothing sticks out of the screen sideways but the phone's own column strip
		const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
		expect(overflow).toBeLessThanOrEqual(width);
		await expect(page).toHaveScreenshot(`tv-${width}x${height}.png`);
		await context.close();
	});
}
