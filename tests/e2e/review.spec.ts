/**
 * The technical director's morning review (issue #6): the prep column as a checklist, and one click
 * to escalate, mark done or propose a new day, each live on an advisor's board.
 */
import { expect, test, type Browser } from '@playwright/test';
import { signInAs } from './signedIn';

async function signedIn(browser: Browser, user: string, path: string) {
	const { baseURL, locale, timezoneId } = test.info().project.use;
	const context = await browser.newContext({ baseURL, locale, timezoneId, viewport: { width: 1280, height: 800 } });
	const page = await context.newPage();
	await signInAs(page, user, path);
	return { context, page };
}

test('the director escalates, marks a document done and proposes a new day; the advisor’s board shows each live', async ({
	browser
}) => {
	test.setTimeout(90_000);
	const director = await signedIn(browser, 'director', '/s/demo/review');
	const advisor = await signedIn(browser, 'advisor1', '/s/demo/board');
	await expect(advisor.page.locator('[data-board-ready]')).toBeAttached();
	const review = director.page;
	await expect(review.getByText('实时', { exact: true })).toBeVisible();

	// the list is the rules' list: latest first, each with what is missing and who owns it
	const entries = review.locator('[data-review-card]');
	await expect(entries.first()).toBeVisible();
	const overdue = await review.locator('[data-review-card]:has(.status.overdue)').count();
	expect(overdue).toBeGreaterThan(0);
	await expect(review.getByRole('status')).toContainText(`逾期 ${overdue}`);

	// escalate the first: the advisor's board shows it on the card
	const first = entries.first();
	const cardId = await first.getAttribute('data-review-card');
	const onBoard = advisor.page.locator(`[data-card="${cardId}"]`);
	await expect(onBoard).toContainText('准备逾期');
	await first.getByRole('button', { name: '上报', exact: true }).click();
	await expect(first.getByText('已上报')).toBeVisible();
	await expect(onBoard).toContainText('已上报');

	// propose the earliest day the parts make, or the day after tomorrow: the board shows it too
	const propose = first.getByRole('button', { name: /^建议改期到/ });
	if (await propose.isDisabled()) {
		const day = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
		await first.locator('input[type=date]').fill(day);
	}
	await propose.click();
	await expect(first.getByText(/^建议改期：/)).toBeVisible();
	await expect(onBoard).toContainText('建议改期：');
	await first.getByRole('button', { name: '撤回改期建议' }).click();
	await expect(first.getByText(/^建议改期：/)).toHaveCount(0);
	await expect(onBoard).not.toContainText('建议改期：');

	// a missing document marked done leaves the list of that card
	const withDocument = review
		.locator('[data-review-card]')
		.filter({ has: review.getByRole('button', { name: '标记已完成' }) })
		.first();
	const docCard = await withDocument.getAttribute('data-review-card');
	const findings = withDocument.locator('.finding');
	const before = await findings.count();
	await withDocument.getByRole('button', { name: '标记已完成' }).first().click();
	const after = review.locator(`[data-review-card="${docCard}"] .finding`);
	await expect.poll(() => after.count()).toBeLessThan(before);

	// and what the director did is in the card's history
	await review.goto(`/s/demo/cards/${cardId}`);
	await expect(review.getByText('已上报').first()).toBeVisible();

	await director.context.close();
	await advisor.context.close();
});
