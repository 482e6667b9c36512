/**
 * Appointments feeding the board (issue #7), as customer service and an advisor use them: book by
 * phone for a known customer and see the card appear live in 维修准备 on a second screen's board;
 * confirm it from the call list; reschedule it to a day without capacity (refused, with the reason)
 * and then to one with; cancel another (its parts back in stock); and the day's call lists show
 * the seeded cars on the lists the rules put them on.
 *
 * The spec writes its own customers and cars (and one day without technicians) into the demo
 * store's database, so that it knows what the lists must say whatever the seed drew.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import postgres from 'postgres';
import { addDays, localDate } from '../../src/lib/domain/calendar';
import { databaseUrl } from '../adminUrl';
import { signInAs } from './signedIn';

const STORE = 'demo';
const SHOTS = '/tmp/appt-shots';
const sql = postgres(databaseUrl(process.env.E2E_DATABASE ?? 'wb_e2e'), { max: 2, onnotice: () => {} });
const today = () => localDate(Date.now(), 'Asia/Shanghai');

test.describe.configure({ mode: 'serial' });
test.afterAll(() => sql.end());

async function signedInPage(browser: Browser, user: string, path: string, viewport = { width: 1280, height: 800 }) {
	const { baseURL, locale, timezoneId } = test.info().project.use;
	const context = await browser.newContext({ baseURL, locale, timezoneId, viewport });
	const page = await context.newPage();
	await signInAs(page, user, path);
	return page;
}

async function openBoard(page: Page) {
	await expect(page.locator('[data-board-ready]')).toBeAttached();
}

const cardIn = (page: Page, column: string, plate: string) =>
	page.locator(`#column-${column} [data-card]`, { hasText: plate });

/** A customer of the demo store with one car and no appointment, made for this run. */
async function knownCustomer(n: number) {
	const phone = `1390000${String(Date.now() % 1000).padStart(3, '0')}${n}`;
	const plate = `沪C·E${String(Date.now() % 1000).padStart(3, '0')}${n}`;
	const [store] = await sql<{ id: number }[]>`select id::int from stores where slug = ${STORE}`;
	const [customer] = await sql<{ id: number }[]>`
		insert into customers (store_id, name, surname, title, phone)
		values (${store.id}, '陈志远', '陈', '先生', ${phone}) returning id::int`;
	const [vehicle] = await sql<{ id: number }[]>`
		insert into vehicles (store_id, customer_id, plate, model, registered_on)
		values (${store.id}, ${customer.id}, ${plate}, '迈腾', '2021-03-01')
		returning id::int`;
	return { storeId: store.id, customerId: customer.id, vehicleId: vehicle.id, phone, plate };
}

const onHand = async (storeId: number) =>
	Object.fromEntries(
		(await sql<{ part_no: string; on_hand: number }[]>`
			select part_no, on_hand from parts where store_id = ${storeId}`).map((p) => [p.part_no, p.on_hand])
	);

test('book by phone, see it live in prep, confirm from the call list, reschedule past a full day, cancel another', async ({ browser }) => {
	test.setTimeout(90_000);
	const known = await knownCustomer(1);
	const board = await signedInPage(browser, 'advisor2', `/s/${STORE}/board`);
	await openBoard(board);
	const desk = await signedInPage(browser, 'service', `/s/${STORE}/book`);

	// book by phone, two days ahead (the confirmation call is due today)
	const day = addDays(today(), 2);
	await desk.getByLabel('手机号或车牌').fill(known.phone);
	await desk.getByRole('button', { name: '查找' }).click();
	await expect(desk.getByTestId('chosen-customer')).toContainText(known.plate);
	await desk.getByLabel('预约日期').fill(day);
	await desk.locator('button[data-time="11:00"]').click();
	await expect(desk.locator('button[data-time="11:00"]')).toHaveAttribute('aria-checked', 'true');
	await desk.screenshot({ path: `${SHOTS}/e2e-book-1280.png` });
	await desk.getByRole('button', { name: '预约（临时预约）' }).click();
	await expect(desk.getByTestId('booked')).toContainText(`${day} 11:00`);

	// the other screen's board shows the card in prep at once, without a reload
	await expect(cardIn(board, 'prep', known.plate)).toBeVisible();
	const [appointment] = await sql<{ id: number; cardId: number }[]>`
		select a.id::int, c.id::int as "cardId" from appointments a join cards c on c.appointment_id = a.id
		where a.vehicle_id = ${known.vehicleId}`;
	// the booked parts are reserved off the shelf
	const slip = await sql`select part_no, status from card_parts where card_id = ${appointment.cardId} order by part_no`;
	expect(slip.map((l) => l.status)).toEqual(['reserved', 'reserved']);

	// the director hands the folder back (prep → ready) on the board
	const moved = await board.request.post(`/api/stores/${STORE}/cards/${appointment.cardId}/move`, {
		headers: { origin: new URL(board.url()).origin },
		data: { to: 'ready', expectedVersion: 1, idempotencyKey: `e2e-ready-${Date.now()}` }
	});
	expect(moved.status()).toBe(200);
	await expect(cardIn(board, 'ready', known.plate)).toBeVisible();

	// the confirmation call: on today's list, confirmed there; the card moves to 预约确认 live
	await desk.goto(`/s/${STORE}/calls`);
	const entry = desk.locator(`[data-list="confirmationCall"] [data-appointment="${appointment.id}"]`);
	await expect(entry).toContainText(known.phone);
	await entry.getByRole('button', { name: '客户已确认' }).click();
	await expect(entry).toBeHidden();
	await expect(cardIn(board, 'confirmed', known.plate)).toBeVisible();

	// reschedule: a day that loses its technicians (training) after the slot was chosen is refused
	// with the reason; the grid then says why; another day takes it
	const full = addDays(today(), 5);
	await desk.goto(`/s/${STORE}/book?appointment=${appointment.id}`);
	await expect(desk.getByTestId('appointment')).toContainText('已确认');
	await desk.getByLabel('预约日期').fill(full);
	await desk.locator('button[data-time="14:00"]').click();
	await sql`
		insert into technician_day_minutes (store_id, user_id, day, minutes)
		select store_id, user_id, ${full}, 0 from store_roles
		where store_id = ${known.storeId} and role = 'technician'
		on conflict (store_id, user_id, day) do update set minutes = 0`;
	await desk.getByRole('button', { name: `改到 ${full} 14:00` }).click();
	await expect(desk.getByRole('alert')).toContainText('当天可预约工时已满（80%）');
	await expect(desk.locator('button[data-time="14:00"]')).toBeDisabled();
	await expect(desk.locator('button[data-time="14:00"]')).toContainText('工时已满');
	await expect(desk.locator('#reschedule-title ~ *')).toContainText('当天可预约工时已满（80%）');
	await desk.screenshot({ path: `${SHOTS}/e2e-refused-1280.png` });

	const later = addDays(today(), 6);
	await desk.getByLabel('预约日期').fill(later);
	await desk.locator('button[data-time="14:00"]').click();
	await desk.getByRole('button', { name: `改到 ${later} 14:00` }).click();
	await expect(desk.getByRole('status')).toContainText(`已改期到 ${later} 14:00`);
	// a new date needs a new confirmation: the card goes back to ready
	await expect(cardIn(board, 'ready', known.plate)).toBeVisible();
	const [row] = await sql`select status, to_char(scheduled_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') as at from appointments where id = ${appointment.id}`;
	expect(row).toEqual({ status: 'tentative', at: `${later} 14:00` });

	// cancel another booking: its card leaves the board and its parts go back on the shelf
	const other = await knownCustomer(2);
	const before = await onHand(other.storeId);
	const booked = await desk.request.post(`/api/stores/${STORE}/appointments`, {
		headers: { origin: new URL(desk.url()).origin },
		data: {
			idempotencyKey: `e2e-book-${Date.now()}`,
			customer: { id: other.customerId },
			vehicle: { id: other.vehicleId },
			day: addDays(today(), 4),
			start: '13:00',
			jobs: ['maintenance'],
			channel: 'phone'
		}
	});
	expect(booked.status()).toBe(200);
	const otherId = (await booked.json()).appointment.id;
	await expect(cardIn(board, 'prep', other.plate)).toBeVisible();
	const reserved = await onHand(other.storeId);
	expect(reserved['VW-OF-06L']).toBe(before['VW-OF-06L'] - 1);
	expect(reserved['VW-OIL-5W30']).toBe(before['VW-OIL-5W30'] - 1);

	await desk.goto(`/s/${STORE}/book?appointment=${otherId}`);
	await desk.getByLabel('取消原因').fill('客户临时出差');
	await desk.getByRole('button', { name: '取消预约并退回零件' }).click();
	await expect(desk.getByRole('status')).toContainText('已取消，2 种零件已退回库存');
	await expect(cardIn(board, 'prep', other.plate)).toHaveCount(0);
	expect(await onHand(other.storeId)).toEqual(before);
	await board.context().close();
	await desk.context().close();
});

test('the day’s call lists show the seeded cars where the rules put them', async ({ browser }) => {
	const [store] = await sql<{ id: number }[]>`select id::int from stores where slug = ${STORE}`;
	// 5,000 km at the default 40 km a day: the next service is 125 days after the last
	const car = async (label: string, dueIn: number, n: number) => {
		const [customer] = await sql<{ id: number }[]>`
			insert into customers (store_id, name, surname, title, phone)
			values (${store.id}, ${'周' + label}, '周', '女士', ${`1360000${String(Date.now() % 1000).padStart(3, '0')}${n}`})
			returning id::int`;
		const [vehicle] = await sql<{ id: number }[]>`
			insert into vehicles (store_id, customer_id, plate, model, last_service_on, last_service_km, mileage_km)
			values (${store.id}, ${customer.id}, ${`苏E·R${String(Date.now() % 1000).padStart(3, '0')}${n}`}, '宝来',
				${addDays(today(), dueIn - 125)}, 30000, 33000)
			returning id::int`;
		return { customerId: customer.id, vehicleId: vehicle.id, due: addDays(today(), dueIn) };
	};
	const message = await car('短信', 13, 1);
	const call = await car('电话', 11, 2);
	const undecided = await car('再想想', 7, 3);
	const saidNo = await car('不需要', 7, 4);
	const notYet = await car('未到期', 30, 5);
	for (const [c, outcome] of [[undecided, 'undecided'], [saidNo, 'no']] as const) {
		await sql`
			insert into call_tasks (store_id, kind, customer_id, vehicle_id, due_on, about_on, outcome, done_at)
			values (${store.id}, 'reminderCall', ${c.customerId}, ${c.vehicleId}, ${addDays(today(), -4)}, ${c.due}, ${outcome}, now() - interval '4 days')`;
	}
	const expected: [number, string][] = [
		[message.vehicleId, 'message'],
		[call.vehicleId, 'reminderCall'],
		// the car called today still has its reminder message due until then
		[call.vehicleId, 'message'],
		[undecided.vehicleId, 'secondCall']
	];

	for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
		const page = await signedInPage(browser, 'service', `/s/${STORE}/calls`, viewport);
		for (const [vehicleId, list] of expected) {
			await expect(page.locator(`[data-list="${list}"] [data-vehicle="${vehicleId}"]`)).toHaveCount(1);
		}
		const lists = ['message', 'reminderCall', 'secondCall', 'confirmationCall', 'followUpCall', 'rescheduleCall'];
		for (const vehicleId of [message.vehicleId, call.vehicleId, undecided.vehicleId, saidNo.vehicleId, notYet.vehicleId]) {
			const on = lists.filter((l) => expected.some(([v, e]) => v === vehicleId && e === l));
			for (const list of lists.filter((l) => !on.includes(l))) {
				await expect(page.locator(`[data-list="${list}"] [data-vehicle="${vehicleId}"]`)).toHaveCount(0);
			}
		}
		await page.screenshot({ path: `${SHOTS}/e2e-calls-${viewport.width}.png`, fullPage: true });
		await page.context().close();
	}

	// sending the reminder message takes it off the list, into the outbox
	const page = await signedInPage(browser, 'service', `/s/${STORE}/calls`);
	const entry = page.locator(`[data-list="message"] [data-vehicle="${message.vehicleId}"]`);
	await entry.getByRole('button', { name: '发送短信' }).click();
	await expect(entry).toHaveCount(0);
	const [queued] = await sql`select status, body from outbox where vehicle_id = ${message.vehicleId}`;
	expect(queued.status).toBe('queued');
	expect(queued.body).toContain(message.due);

	// "yes" on the reminder call opens booking for that car
	await page.locator(`[data-list="reminderCall"] [data-vehicle="${call.vehicleId}"]`).getByRole('button', { name: '同意预约' }).click();
	await expect(page).toHaveURL(new RegExp(`/s/${STORE}/book\\?vehicle=${call.vehicleId}&channel=reminderCall$`));
	await expect(page.getByTestId('chosen-customer')).toContainText('周女士');
	await page.context().close();
});

test('a walk-in goes straight to 在修 on every board, with its work order', async ({ browser }) => {
	test.setTimeout(60_000);
	const known = await knownCustomer(3);
	const board = await signedInPage(browser, 'advisor3', `/s/${STORE}/board`);
	await openBoard(board);
	// the director: the demo store's day may already be full, and a director's word is recorded
	const desk = await signedInPage(browser, 'director', `/s/${STORE}/book`);
	await desk.getByLabel('手机号或车牌').fill(known.phone);
	await desk.getByRole('button', { name: '查找' }).click();
	await expect(desk.getByTestId('chosen-customer')).toContainText(known.plate);
	await desk.locator('[data-walk-in]').check();
	// no slot to choose: a walk-in takes the labour held back
	await expect(desk.locator('button[data-time]')).toHaveCount(0);
	await desk.getByLabel('总监特批理由（超出配额或 80% 工时）').fill('客户车辆无法行驶');
	await desk.getByRole('button', { name: '登记直接入厂' }).click();
	await expect(desk.getByTestId('walked-in')).toContainText(known.plate);
	const card = cardIn(board, 'inBay', known.plate);
	await expect(card).toBeVisible();
	await expect(card).toContainText('直接入厂');
	const [row] = await sql<{ appointmentId: number | null; items: number }[]>`
		select c.appointment_id as "appointmentId",
			(select count(*)::int from card_job_items i where i.card_id = c.id) as items
		from cards c join vehicles v on v.id = c.vehicle_id where v.id = ${known.vehicleId}`;
	expect(row).toEqual({ appointmentId: null, items: 1 });
	await board.context().close();
	await desk.context().close();
});
