/**
 * The board offers each role what it may do, and nothing else: the parts counter reads the board;
 * a technician is offered only "in bay → QC" and "QC → in bay". (The server refuses the rest
 * anyway: tests/integration/auth/matrix.test.ts.)
 */
import { expect, test, type Page } from '@playwright/test';
import { signInAs } from './signedIn';

async function openBoardAs(page: Page, username: string) {
	await signInAs(page, username, '/s/demo/board');
	await expect(page.locator('[data-board-ready]')).toBeAttached();
}

test('the parts counter sees the live board read-only: no move buttons, nothing to drag', async ({ page }) => {
	await openBoardAs(page, 'parts');
	await expect(page.getByText('只读', { exact: true })).toBeVisible();
	await expect(page.locator('[data-card]').first()).toBeVisible();
	await expect(page.locator('[data-card] button.move')).toHaveCount(0);
	// drag and drop is never loaded for a role that may not move anything
	await expect(page.locator('[data-dnd="ready"]')).toHaveCount(0);
	// a card picked up with the keyboard stays put
	const first = page.locator('#column-prep [data-card] [data-handle]').first();
	await first.focus();
	await page.keyboard.press('Space');
	await expect(page.locator('[data-card].carried')).toHaveCount(0);
	await page.setViewportSize({ width: 1920, height: 1080 });
	await page.screenshot({ path: '/tmp/shots/board-read-only-1920x1080.png' });
});

test('a technician is offered only the moves of a technician', async ({ page }) => {
	await openBoardAs(page, 'tech1');
	await expect(page.getByText('只读', { exact: true })).toHaveCount(0);
	const inBay = page.locator('#column-inBay [data-card]').first();
	await inBay.locator('button.move').click();
	const items = page.getByRole('menuitem');
	await expect(items).toHaveText([/质检/, /取消/]);
	await page.keyboard.press('Escape');

	const qc = page.locator('#column-qc [data-card]').first();
	await qc.locator('button.move').click();
	// QC → in bay (rework) is the technician's; QC → wash is not, however the rules stand
	await expect(page.getByRole('menuitem', { name: /在修/ })).toBeVisible();
	await expect(page.getByRole('menuitem', { name: /洗车|交车/ })).toHaveCount(0);
	await page.screenshot({ path: '/tmp/shots/board-technician-menu.png' });
});
