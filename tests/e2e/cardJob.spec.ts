/**
 * One card from prep to handover, through the card page as the workshop would use it: a part to
 * order blocks "ready" until it arrives, bad input is refused on its field, an extra item waits
 * for the customer, a stop-work stops the move to QC, the team lead fails QC (back to 在修, rework)
 * and the second round passes, the handover completes — and a second browser (another advisor on
 * the same card page) sees every step live, without reloading. The history tells it all at the end.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import type { BoardCard } from '../../src/lib/domain/board';
import { DEMO_PASSWORD } from './signedIn';

const STORE = 'demo';

/** Signs in through the form once the page is hydrated (a dev server hydrates slowly). */
async function signInAs(page: Page, username: string, next: string) {
	await page.goto(`/login?next=${encodeURIComponent(next)}`, { waitUntil: 'networkidle' });
	await page.getByLabel('用户名', { exact: true }).fill(username);
	await page.getByLabel('密码', { exact: true }).fill(DEMO_PASSWORD);
	await page.getByRole('button', { name: '登录', exact: true }).click();
	await expect(page).toHaveURL(new RegExp(`${next.replaceAll('/', '\\/')}$`));
}

async function open(browser: Browser, username: string, path: string): Promise<Page> {
	const { baseURL, locale, timezoneId } = test.info().project.use;
	const context = await browser.newContext({ baseURL, locale, timezoneId });
	const page = await context.newPage();
	await signInAs(page, username, path);
	await expect(page.locator('[data-card-page]')).toBeVisible();
	// the live link is up (the page shows its connection state like the board)
	await expect(page.getByRole('status', { name: /连接状态/ })).toContainText('在线', { timeout: 15_000 });
	return page;
}

const section = (page: Page, title: string) => page.getByRole('region', { name: title, exact: true });
const column = (page: Page) => page.locator('[data-column]');

/** An edit saved: the page says so (toast), and the control is free again. */
async function saved(page: Page, words: string) {
	await expect(page.getByRole('alert').filter({ hasText: words }).first()).toBeVisible();
}

async function move(page: Page, to: string) {
	await page.getByRole('button', { name: `移到「${to}」` }).click();
	await expect(column(page)).toHaveText(to);
}

async function qc(page: Page, stage: string) {
	await section(page, '质检').getByRole('button', { name: `${stage}通过` }).click();
	await saved(page, '检验已记录');
}

test('one card, prep to handover, seen live by a second screen', async ({ browser }) => {
	test.setTimeout(240_000);

	// a card in prep with nothing waiting yet
	const director = await (async () => {
		const { baseURL, locale, timezoneId } = test.info().project.use;
		const context = await browser.newContext({ baseURL, locale, timezoneId });
		const page = await context.newPage();
		await signInAs(page, 'director', `/s/${STORE}/board`);
		return page;
	})();
	const board = await director.request.get(`/api/stores/${STORE}/board`);
	expect(board.ok()).toBe(true);
	const { cards } = (await board.json()) as { cards: BoardCard[] };
	const card = cards.find(
		(c) =>
			c.column === 'prep' &&
			!c.partsWaiting &&
			!c.stopWork &&
			!c.authorisationPending &&
			!c.washDeclined &&
			!c.walkIn
	);
	expect(card, 'a card in prep with its parts on the shelf').toBeTruthy();
	const path = `/s/${STORE}/cards/${card!.id}`;
	// from the board: the card's 详情 opens its page
	await expect(director.locator('[data-board-ready]')).toBeAttached();
	await director.locator(`[data-card="${card!.id}"] [data-open-card]`).click();
	await expect(director).toHaveURL(new RegExp(`${path}$`));
	await expect(director.getByRole('status', { name: /连接状态/ })).toContainText('在线', { timeout: 15_000 });
	const watcher = await open(browser, 'advisor2', path);
	const tech = await open(browser, 'tech1', path);

	await expect(director.locator('[data-plate]')).toContainText(card!.plate.slice(-5));
	await expect(column(watcher)).toHaveText('维修准备');

	// bad input: a VIN of the wrong length is refused on its field, nothing is sent
	const version = await director.locator('[data-card-page]').getAttribute('data-version');
	const vehicle = section(director, '客户与车辆');
	await vehicle.getByLabel('车架号（VIN）').fill('LSVAB12');
	await vehicle.getByRole('button', { name: '保存车辆信息' }).click();
	await expect(vehicle.getByText('车架号是 17 位字母和数字，不含 I、O、Q')).toBeVisible();
	await expect(vehicle.getByLabel('车架号（VIN）')).toHaveAttribute('aria-invalid', 'true');
	await expect(director.locator('[data-card-page]')).toHaveAttribute('data-version', version!);
	// a negative mileage too
	await vehicle.getByLabel('车架号（VIN）').fill('');
	await vehicle.getByLabel('里程').fill('-5');
	await vehicle.getByRole('button', { name: '保存车辆信息' }).click();
	await expect(vehicle.getByText('里程须是不小于 0 的整数公里数')).toBeVisible();
	await expect(director.locator('[data-card-page]')).toHaveAttribute('data-version', version!);
	await director.reload();

	// the parts counter's shortage: a part to order blocks "ready"
	const parts = section(director, '零件出库单');
	await parts.getByRole('button', { name: '＋ 添加零件' }).click();
	await parts.getByLabel('零件号').fill('E2E-PAD-01');
	await parts.getByLabel('零件名称').fill('前刹车片');
	await parts.getByLabel('数量').fill('2');
	await parts.getByLabel('单价').fill('180.50');
	await parts.getByLabel('状态').selectOption({ label: '待订货' });
	await parts.getByRole('button', { name: '添加零件', exact: true }).click();
	await saved(director, '零件已添加');
	const line = (page: Page) =>
		section(page, '零件出库单').locator('[data-part]').filter({ hasText: 'E2E-PAD-01' });
	await expect(line(watcher).locator('[data-part-status]')).toHaveText('待订货');
	await expect(watcher.locator('.flags')).toContainText('待料');
	await expect(director.getByRole('button', { name: '移到「准备完成」' })).toBeDisabled();
	await expect(director.locator('[data-move-refusal="ready"]')).toBeVisible();
	// the estimate counts it: 2 × ¥180.50
	await expect(section(watcher, '估算单').locator('[data-parts]')).toContainText('361.00');

	// ordered with its promised day: still waiting
	await line(director).getByRole('button', { name: '修改' }).click();
	await line(director).getByLabel('状态').selectOption({ label: '已订货' });
	await line(director).getByRole('button', { name: '保存' }).click();
	// an order without its ETA is refused on the ETA field
	await expect(line(director).getByText('已订货的零件须填预计到货日')).toBeVisible();
	const eta = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
	await line(director).getByLabel('预计到货日').fill(eta);
	await line(director).getByRole('button', { name: '保存' }).click();
	await saved(director, '零件已更新');
	await expect(line(watcher).locator('[data-part-status]')).toContainText('已订货');
	await expect(director.getByRole('button', { name: '移到「准备完成」' })).toBeDisabled();

	// it arrives: prep can be handed back
	await line(director).getByRole('button', { name: '标为已到货' }).click();
	await expect(line(watcher).locator('[data-part-status]')).toContainText('已到货');
	await expect(director.getByRole('button', { name: '移到「准备完成」' })).toBeEnabled();
	await move(director, '准备完成');
	await expect(column(watcher)).toHaveText('准备完成');
	await move(director, '预约确认');
	await expect(column(watcher)).toHaveText('预约确认');
	await move(director, '在修');
	await expect(column(watcher)).toHaveText('在修');

	// dispatch to tech1
	const dispatch = section(director, '派工');
	const techName = (await dispatch.getByLabel('技师').locator('option').nth(1).textContent())!;
	await dispatch.getByLabel('技师').selectOption({ index: 1 });
	await dispatch.getByRole('button', { name: '保存派工' }).click();
	await saved(director, '派工已保存');
	await expect(watcher.locator('[data-card-page] .crew')).toContainText(techName.replace(/（.*$/, ''));

	// someone types on one screen while another changes the card: the typing stays, the change shows
	const watcherVehicle = section(watcher, '客户与车辆');
	await watcherVehicle.getByLabel('车型').fill('朗逸 1.5L');
	await expect(watcherVehicle.getByText('有未保存的修改')).toBeVisible();
	await section(director, '标记').getByLabel('安全').check();
	await saved(director, '标记已保存');
	await expect(watcher.locator('[data-card-page] .head .flags')).toContainText('安全');
	await expect(watcherVehicle.getByLabel('车型')).toHaveValue('朗逸 1.5L');
	await watcherVehicle.getByRole('button', { name: '保存车辆信息' }).click();
	await saved(watcher, '车辆信息已保存');
	await expect(director.locator('[data-card-page] .head')).toContainText('朗逸 1.5L');

	// the technician finds extra work: it waits for the customer, and the card stops for it
	const work = section(tech, '施工单');
	await work.getByRole('button', { name: /添加增项/ }).click();
	await work.getByRole('textbox', { name: '施工项目', exact: true }).fill('更换雨刮片');
	await work.getByRole('textbox', { name: '工时', exact: true }).fill('0.5');
	await work.getByRole('button', { name: '添加', exact: true }).click();
	await saved(tech, '施工项目已添加');
	await expect(watcher.locator('.flags')).toContainText('待授权');
	await expect(section(watcher, '估算单').locator('[data-pending]')).toBeVisible();
	// the advisor on the phone with the customer records the yes
	const extra = section(watcher, '施工单').locator('[data-item]').filter({ hasText: '更换雨刮片' });
	await extra.getByLabel('方式').selectOption({ label: '电话' });
	await extra.getByRole('button', { name: '客户同意' }).click();
	await saved(watcher, '客户授权已记录');
	await expect(
		section(director, '施工单').locator('[data-item]').filter({ hasText: '更换雨刮片' })
	).toContainText('客户已同意');
	await expect(director.locator('.flags')).not.toContainText('待授权');

	// stop-work: waiting for parts, shown red everywhere, and the job cannot go to QC
	await section(director, '停工').getByRole('button', { name: '停工待料' }).click();
	await saved(director, '停工状态已保存');
	await expect(watcher.locator('[data-stopped-for]')).toBeVisible();
	await expect(watcher.locator('[data-card-page] .head .stop')).toContainText('停工待料');
	await expect(tech.getByRole('button', { name: '移到「质检」' })).toBeDisabled();
	await section(tech, '停工').getByRole('button', { name: '恢复施工' }).click();
	await saved(tech, '停工状态已保存');
	await expect(watcher.locator('[data-stopped-for]')).toHaveCount(0);

	// QC, round one: self-check passes, the team lead fails it — back to 在修 with the reason
	await move(tech, '质检');
	await expect(column(watcher)).toHaveText('质检');
	await qc(tech, '技师自检');
	await expect(watcher.locator('[data-stage="self"]')).toContainText('通过');
	const qcPanel = section(director, '质检');
	await qcPanel.getByRole('button', { name: '不通过…' }).click();
	await qcPanel.getByRole('button', { name: '确认不通过，退回在修' }).click();
	// no reason, no failure
	await expect(qcPanel.getByText('不通过须写明原因')).toBeVisible();
	await qcPanel.getByLabel('不通过的原因').fill('左前轮异响仍在');
	await qcPanel.getByRole('button', { name: '确认不通过，退回在修' }).click();
	await saved(director, '检验已记录');
	await expect(column(watcher)).toHaveText('在修');
	await expect(section(watcher, '质检').locator('[data-qc-history]')).toContainText('左前轮异响仍在');
	await expect(watcher.locator('.flags')).toContainText('返工 1 次');

	// rework, round two: all three checks pass
	await move(tech, '质检');
	await qc(tech, '技师自检');
	await qc(director, '班组长检验');
	await qc(director, '终检');
	await expect(watcher.locator('[data-stage="final"]')).toContainText('通过');
	await move(director, '洗车');
	await expect(column(watcher)).toHaveText('洗车');
	await move(director, '交车');
	await expect(column(watcher)).toHaveText('交车');

	// handover: the six checks, the next service, then 完成交车
	const handover = section(director, '交车');
	const complete = handover.getByRole('button', { name: '完成交车' });
	for (const check of [
		'已向客户展示旧件',
		'已解释维修内容',
		'已说明维修建议',
		'已解释费用明细',
		'车辆清洁',
		'钥匙与证件已归还'
	]) {
		await handover.getByLabel(check).check();
		await expect(handover.getByLabel(check)).toBeChecked();
		await expect(watcher.getByRole('region', { name: '交车', exact: true }).getByLabel(check)).toBeChecked();
	}
	await expect(complete).toBeDisabled();
	await expect(handover.locator('[data-missing]')).toContainText('下次保养');
	await handover.getByRole('button', { name: '按 6 个月 / 5000 公里填写' }).click();
	await handover.getByRole('button', { name: '保存下次保养' }).click();
	await saved(director, '下次保养已保存');
	await expect(complete).toBeEnabled();

	// the history, field by field, before the card leaves the board
	const history = section(watcher, '变更记录').locator('[data-history]');
	await expect(history).toContainText('零件已添加');
	await expect(history).toContainText('E2E-PAD-01');
	await expect(history).toContainText('停工状态已保存');
	await expect(history).toContainText('停工待料');
	await expect(history).toContainText('左前轮异响仍在');
	await expect(history).toContainText('客户授权已记录');
	for (const to of ['准备完成', '预约确认', '在修', '质检', '洗车', '交车']) {
		await expect(history.locator('li').filter({ hasText: new RegExp(`→\\s*${to}`) }).first()).toBeAttached();
	}

	director.once('dialog', (dialog) => dialog.accept());
	await complete.click();
	await expect(director.locator('[data-archived]')).toContainText('已交车');
	await expect(watcher.locator('[data-archived]')).toContainText('已交车');
	await expect(section(director, '交车').locator('[data-handed-over]')).toContainText('回访');

	// and the card has left the board
	const after = await director.request.get(`/api/stores/${STORE}/cards/${card!.id}`);
	expect(after.status()).toBe(404);

	await watcher.setViewportSize({ width: 1280, height: 800 });
	await watcher.screenshot({ path: '/tmp/card-shots/e2e-watcher-end.png', fullPage: true });
	for (const page of [director, watcher, tech]) await page.context().close();
});

test('详情 on a board card opens it; a drag never navigates, and a click never drags', async ({
	browser
}) => {
	const { baseURL, locale, timezoneId } = test.info().project.use;
	const context = await browser.newContext({ baseURL, locale, timezoneId });
	const page = await context.newPage();
	await signInAs(page, 'advisor3', `/s/${STORE}/board`);
	await expect(page.locator('[data-board-ready]')).toBeAttached();
	await expect(page.locator('[data-dnd="ready"]')).toBeAttached();
	const response = await page.request.get(`/api/stores/${STORE}/board`);
	const { cards } = (await response.json()) as { cards: BoardCard[] };
	const card = cards.find((c) => c.column === 'ready' && !c.stopWork);
	expect(card, 'a card in ready').toBeTruthy();
	const item = page.locator(`[data-card="${card!.id}"]`);
	const link = item.locator('[data-open-card]');
	await item.scrollIntoViewIfNeeded();

	// pressed on 详情, wiggled and let go on it: neither a drag nor a page change
	const at = (await link.boundingBox())!;
	const x = at.x + at.width / 2;
	const y = at.y + at.height / 2;
	await page.mouse.move(x, y);
	await page.mouse.down();
	await page.mouse.move(x - 14, y + 10, { steps: 4 });
	await page.mouse.move(x, y, { steps: 4 });
	await page.mouse.up();
	await expect(page).toHaveURL(/\/board$/);
	await expect(page.locator(`#column-ready [data-card="${card!.id}"]`)).toBeVisible();

	// dragged by the card itself to 预约确认: it moves, the page stays the board
	const from = (await item.boundingBox())!;
	const target = (await page.locator('#column-confirmed').boundingBox())!;
	await page.mouse.move(from.x + 30, from.y + 40);
	await page.mouse.down();
	await page.mouse.move(from.x + 45, from.y + 50, { steps: 4 });
	await expect(item).toHaveClass(/\bsource\b/);
	await page.mouse.move(target.x + target.width / 2, target.y + 160, { steps: 12 });
	await page.mouse.up();
	await expect(page.locator(`#column-confirmed [data-card="${card!.id}"]`)).toBeVisible();
	await expect(page).toHaveURL(/\/board$/);

	// a plain click on 详情 opens the card page, in the column it was moved to
	await page.locator(`[data-card="${card!.id}"] [data-open-card]`).click();
	await expect(page).toHaveURL(new RegExp(`/cards/${card!.id}$`));
	await expect(page.locator('[data-column]')).toHaveText('预约确认');
	await page.getByRole('link', { name: '返回看板' }).click();
	await expect(page.locator('[data-board-ready]')).toBeAttached();
	await context.close();
});
