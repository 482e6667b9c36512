import type { Page } from '@playwright/test';

/**
 * The moment the visual baselines are taken at: Tuesday 10 March 2026, 10:30 in Shanghai. The
 * visual server's process and every page of the visual project run from it.
 */
export const VISUAL_NOW = '2026-03-10T02:30:00.000Z';

/** Sets the page's clock to the visual moment, fixed (before it loads anything). */
export async function useVisualClock(page: Page) {
	await page.clock.setFixedTime(new Date(VISUAL_NOW));
}
