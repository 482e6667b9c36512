/**
 * Visual baselines of the welcome board at reception, at the three screen sizes, on the visual
 * server (fixed clock, its own seeded database), as a signed-in staff member previews it.
 */
import { expect, test } from '@playwright/test';
import { signInAs } from './signedIn';
import { useVisualClock } from './visualClock';

for (const [width, height, name] of [
	[1920, 1080, 'tv'],
	[1280, 800, 'tablet'],
	[390, 844, 'phone']
] as const) {
	test(`the welcome board on a ${name} (${width}×${height}) looks as it did`, async ({
		browser
	}) => {
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
		await signInAs(page, 'service', '/s/demo/welcome');
		await expect(page.locator('[data-welcome-ready]')).toBeAttached();
		await expect(page.locator('[data-welcome-row]').first()).toBeVisible();
		// nothing is cut off: every row of the page shown lies inside the list's area
		const overflow = await page.evaluate(() => {
			const area = document.querySelector('[data-welcome-rows]')!.getBoundingClientRect();
			const shown = [...document.querySelectorAll<HTMLElement>('[data-welcome-row]')].filter(
				(row) => row.offsetParent !== null
			);
			return Math.max(...shown.map((row) => row.getBoundingClientRect().bottom - area.bottom));
		});
		expect(overflow).toBeLessThanOrEqual(0);
		const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
		expect(scrollWidth).toBeLessThanOrEqual(width);
		await expect(page).toHaveScreenshot(`welcome-${width}x${height}.png`);
		if (name === 'tv') {
			// the board turns its page by itself: the later customers, still expected, come next
			await expect(page.getByText('第 2/2 页')).toBeVisible({ timeout: 20_000 });
			await expect(page).toHaveScreenshot(`welcome-${width}x${height}-page2.png`);
		}
		await context.close();
	});
}
