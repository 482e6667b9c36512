/**
 * The card API as production serves it (the built app: `npx vite build` first), with real
 * sessions: bad input is refused on its field and writes nothing (G9); a stale version is a 409
 * with the card as it is (G3); a retried edit is applied once (G2); each role may change only its
 * sections of the card, and nobody may touch another store's card.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CardEdit } from '$lib/domain/card';
import { moveCard } from '$lib/server/board/move';
import { redisUrl } from '../../adminUrl';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { cleanup } from '../helpers/apps';
import { requireRedis } from '../helpers/processes';
import { startWebApp, type WebApp } from '../helpers/authWorld';
import {
	actorOf,
	addCard,
	addCardStore,
	boardViolations,
	cardViolations,
	cardWrites,
	newKey,
	viewCard,
	type CardStore,
	type CardUser
} from './world';

const opened = cleanup();
let db: TestDatabase;
let web: WebApp;
let store: CardStore;
let other: CardStore;
let u: CardStore['users'];

beforeAll(async () => {
	await requireRedis(redisUrl);
	db = opened.add(await createTestDatabase(), (d) => d.drop());
	store = await addCardStore(db.sql, { label: 'http' });
	other = await addCardStore(db.sql, { label: 'other' });
	u = store.users;
	web = opened.add(await startWebApp({ name: 'inst-cards', databaseUrl: db.url, redisUrl }), (w) => w.stop());
}, 120_000);
afterAll(() => opened.run());

type Credential = CardUser | { cookie: string } | null;
type Answer = { status: number; body: Record<string, any> };

async function post(
	cardId: number,
	body: unknown,
	who: Credential = u.advisor,
	options: { slug?: string; origin?: string } = {}
): Promise<Answer> {
	const headers: Record<string, string> = { 'content-type': 'application/json', origin: options.origin ?? web.url };
	if (who) headers.cookie = who.cookie;
	const response = await fetch(`${web.url}/api/stores/${options.slug ?? store.slug}/cards/${cardId}/edits`, {
		method: 'POST',
		headers,
		body: typeof body === 'string' ? body : JSON.stringify(body)
	});
	return { status: response.status, body: (await response.json()) as Record<string, any> };
}

async function get(cardId: number, who: Credential = u.advisor, slug = store.slug): Promise<Answer> {
	const response = await fetch(`${web.url}/api/stores/${slug}/cards/${cardId}`, {
		headers: who ? { cookie: who.cookie } : {}
	});
	return { status: response.status, body: (await response.json()) as Record<string, any> };
}

/** an edit at the card's current version, with a fresh key */
async function send(cardId: number, edit: CardEdit | Record<string, unknown>, who: Credential = u.advisor, key = newKey('http')) {
	const { version } = await viewCard(db.sql, cardId);
	return post(cardId, { expectedVersion: version, idempotencyKey: key, edit }, who);
}

const goodVehicle = { kind: 'vehicle', plate: '沪A·66666', model: '途观L', vin: 'LSVAB12C3DE456789', mileageKm: 12_000 };

describe('bad input: 400 on its field, nothing written', () => {
	it('refuses each bad field precisely', async () => {
		const cardId = await addCard(db.sql, store, { column: 'inBay' });
		const before = await cardWrites(db.sql, store.id);
		const cases: [string, Record<string, unknown>, string][] = [
			['bad plate', { ...goodVehicle, plate: 'ABC123' }, 'plate'],
			['VIN 16 long', { ...goodVehicle, vin: 'LSVAB12C3DE45678' }, 'vin'],
			['VIN 18 long', { ...goodVehicle, vin: 'LSVAB12C3DE4567890' }, 'vin'],
			['VIN with I', { ...goodVehicle, vin: 'LSVAB12C3DE45678I' }, 'vin'],
			['VIN with O', { ...goodVehicle, vin: 'LSVOB12C3DE456789' }, 'vin'],
			['negative mileage', { ...goodVehicle, mileageKm: -1 }, 'mileageKm'],
			['fractional mileage', { ...goodVehicle, mileageKm: 12.5 }, 'mileageKm'],
			['bad phone', { kind: 'customer', name: '李雷', surname: '李', title: '先生', phone: '021-5888' }, 'phone'],
			['ETA on a part in stock', { kind: 'addPart', partNo: 'BP-0001', name: '', quantity: 1, unitPriceFen: 1, status: 'inStock', eta: '2099-01-01' }, 'eta'],
			['ETA on a part to order', { kind: 'addPart', partNo: 'BP-0001', name: '', quantity: 1, unitPriceFen: 1, status: 'toOrder', eta: '2099-01-01' }, 'eta'],
			['ordered without ETA', { kind: 'addPart', partNo: 'BP-0001', name: '', quantity: 1, unitPriceFen: 1, status: 'ordered', eta: null }, 'eta'],
			['zero quantity', { kind: 'addPart', partNo: 'BP-0001', name: '', quantity: 0, unitPriceFen: 1, status: 'toOrder', eta: null }, 'quantity'],
			['unknown kind', { kind: 'paint' }, 'kind'],
			['failed QC without reason', { kind: 'qcCheck', stage: 'self', passed: false, reason: null }, 'reason'],
			['next service in the past', { kind: 'nextService', on: '2001-01-01', km: 1 }, 'on']
		];
		for (const [what, edit, field] of cases) {
			const answer = await send(cardId, edit);
			expect(answer.status, `${what}: ${JSON.stringify(answer.body)}`).toBe(400);
			expect(answer.body.error, what).toMatchObject({ code: 'invalidInput', field });
		}
		// an unknown field: strict objects, whether in the edit or beside it
		const inEdit = await send(cardId, { ...goodVehicle, colour: 'red' });
		expect(inEdit).toMatchObject({ status: 400, body: { error: { code: 'invalidInput', field: 'edit' } } });
		expect(inEdit.body.error.message).toContain('colour');
		const beside = await post(cardId, { expectedVersion: 1, idempotencyKey: newKey(), edit: goodVehicle, force: true });
		expect(beside).toMatchObject({ status: 400, body: { error: { code: 'invalidInput', field: 'payload' } } });
		for (const [what, body, message] of [
			['oversize', JSON.stringify({ expectedVersion: 1, idempotencyKey: newKey(), edit: { ...goodVehicle, model: 'x'.repeat(5_000) } }), 'larger than'],
			['not JSON', '{"expectedVersion": 1,', 'not JSON'],
			['an array', '[]', 'JSON object'],
			['short key', JSON.stringify({ expectedVersion: 1, idempotencyKey: 'k', edit: goodVehicle }), 'idempotencyKey']
		] as const) {
			const answer = await post(cardId, body);
			expect(answer.status, what).toBe(400);
			expect(answer.body.error.message, what).toContain(message);
		}
		expect(await cardWrites(db.sql, store.id)).toEqual(before);
		// the input was fine after all: it goes through
		expect((await send(cardId, goodVehicle)).status).toBe(200);
	});

	it('an unknown technician, advisor or bay: 422 editRefused with the reason, nothing written', async () => {
		const cardId = await addCard(db.sql, store, { column: 'inBay' });
		const taken = await addCard(db.sql, store, { column: 'prep' });
		const before = await cardWrites(db.sql, store.id);
		const assign = { kind: 'assign', team: null, technicianId: null, bayId: null, advisorId: null };
		const cases: [Record<string, unknown>, string][] = [
			[{ ...assign, technicianId: 2 ** 40 }, 'unknownTechnician'],
			// a user of this store, but not a technician
			[{ ...assign, technicianId: u.parts.userId }, 'unknownTechnician'],
			// a technician, of another store
			[{ ...assign, technicianId: other.users.technician.userId }, 'unknownTechnician'],
			[{ ...assign, advisorId: u.technician.userId }, 'unknownAdvisor'],
			[{ ...assign, bayId: other.bayIds[0] }, 'unknownBay']
		];
		for (const [edit, reason] of cases) {
			const answer = await send(cardId, edit);
			expect(answer, reason).toMatchObject({ status: 422, body: { error: { code: 'editRefused', editReason: reason } } });
		}
		// a plate another vehicle of the store has
		const plate = (await viewCard(db.sql, taken)).plate;
		const dup = await send(cardId, { ...goodVehicle, plate });
		expect(dup).toMatchObject({ status: 422, body: { error: { editReason: 'plateTaken' } } });
		expect(await cardWrites(db.sql, store.id)).toEqual(before);
	});
});

describe('versions and retries', () => {
	it('a stale expectedVersion: 409 versionConflict with the card as it is now', async () => {
		const cardId = await addCard(db.sql, store, { column: 'inBay' });
		expect((await send(cardId, { kind: 'stopWork', reason: 'labour' })).status).toBe(200);
		const before = await cardWrites(db.sql, store.id);
		const stale = await post(cardId, { expectedVersion: 1, idempotencyKey: newKey(), edit: { kind: 'stopWork', reason: null } });
		expect(stale).toMatchObject({ status: 409, body: { error: { code: 'versionConflict' } } });
		expect(stale.body.error.card).toEqual(await viewCard(db.sql, cardId));
		expect(stale.body.error.card).toMatchObject({ version: 2, stopWork: { reason: 'labour' } });
		expect(await cardWrites(db.sql, store.id)).toEqual(before);
	});

	it('the same key twice: applied once, the retry gets the same event', async () => {
		const cardId = await addCard(db.sql, store, { column: 'inBay' });
		const command = { expectedVersion: 1, idempotencyKey: newKey('retry'), edit: { kind: 'addItem', description: '四轮定位', labourMinutes: 40, extra: false } };
		const first = await post(cardId, command);
		expect(first).toMatchObject({ status: 200, body: { replayed: false } });
		const afterFirst = await cardWrites(db.sql, store.id);
		const second = await post(cardId, command);
		expect(second).toMatchObject({ status: 200, body: { replayed: true } });
		expect(second.body.event).toEqual(first.body.event);
		// at the same time, from two tabs
		const both = await Promise.all([post(cardId, command), post(cardId, command, u.director)]);
		for (const answer of both) expect(answer.body.event).toEqual(first.body.event);
		expect(await cardWrites(db.sql, store.id)).toEqual(afterFirst);
		expect((await get(cardId)).body.items).toHaveLength(1);
	});

	it('a key reused for another edit kind, or another card: invalidInput, nothing written', async () => {
		const cardId = await addCard(db.sql, store, { column: 'inBay' });
		const otherCard = await addCard(db.sql, store, { column: 'inBay' });
		const key = newKey('reused');
		expect((await post(cardId, { expectedVersion: 1, idempotencyKey: key, edit: { kind: 'stopWork', reason: 'labour' } })).status).toBe(200);
		const before = await cardWrites(db.sql, store.id);
		const otherKind = await post(cardId, { expectedVersion: 2, idempotencyKey: key, edit: { kind: 'documents', documents: { workOrder: true, estimate: true, partsSlip: true } } });
		expect(otherKind).toMatchObject({ status: 400, body: { error: { code: 'invalidInput' } } });
		const elsewhere = await post(otherCard, { expectedVersion: 1, idempotencyKey: key, edit: { kind: 'stopWork', reason: 'labour' } });
		expect(elsewhere).toMatchObject({ status: 400, body: { error: { code: 'invalidInput' } } });
		// a move's key is not an edit's
		const moveKey = newKey('move');
		expect(await moveCard(db.sql, store.id, { cardId: otherCard, to: 'qc', expectedVersion: 1, idempotencyKey: moveKey }, actorOf(u.technician))).toMatchObject({ ok: true });
		const afterMove = await cardWrites(db.sql, store.id);
		const asEdit = await post(otherCard, { expectedVersion: 2, idempotencyKey: moveKey, edit: { kind: 'stopWork', reason: 'labour' } });
		expect(asEdit).toMatchObject({ status: 400, body: { error: { code: 'invalidInput' } } });
		expect(await cardWrites(db.sql, store.id)).toEqual(afterMove);
		expect(afterMove.events).toBe(before.events + 1);
	});

	it('an edit’s key reused for a move is refused, not answered with the edit as if the card had moved', async () => {
		const cardId = await addCard(db.sql, store, { column: 'ready' });
		const key = newKey('edit-then-move');
		const editAnswer = await post(cardId, { expectedVersion: 1, idempotencyKey: key, edit: { kind: 'stopWork', reason: 'labour' } });
		expect(editAnswer.status).toBe(200);
		// the card goes back to prep; then a client moves it to "ready" with the edit's key
		expect(await moveCard(db.sql, store.id, { cardId, to: 'prep', expectedVersion: 2, idempotencyKey: newKey('move') }, actorOf(u.advisor))).toMatchObject({ ok: true });
		const before = await cardWrites(db.sql, store.id);
		const reused = await moveCard(db.sql, store.id, { cardId, to: 'ready', expectedVersion: 3, idempotencyKey: key }, actorOf(u.advisor));
		const card = await viewCard(db.sql, cardId);
		expect(
			reused,
			`the move was answered ok (replayed: ${reused.ok && reused.data.replayed}, event ${reused.ok ? reused.data.event.type : '-'}) while the card is in ${card.column}`
		).toMatchObject({ ok: false, error: { code: 'invalidInput' } });
		expect(await cardWrites(db.sql, store.id)).toEqual(before);
	});
});

describe('who may change what (real sessions)', () => {
	it('parts: parts lines, not flags; service: customer and authorisation; technician: extra items, self and lead checks', async () => {
		const inBay = await addCard(db.sql, store, { column: 'inBay' });
		const inQc = await addCard(db.sql, store, { column: 'qc' });
		const flags = { kind: 'flags', safety: true, comeback: false, complaint: false, customerWaits: false, washDeclined: false };
		const refusedWrites = async (cardId: number, edit: Record<string, unknown>, who: CardUser, status = 403) => {
			const before = await cardWrites(db.sql, store.id);
			const answer = await send(cardId, edit, who);
			expect(answer.status, `${who.label} ${edit.kind}: ${JSON.stringify(answer.body)}`).toBe(status);
			expect(await cardWrites(db.sql, store.id)).toEqual(before);
			return answer;
		};
		const ok = async (cardId: number, edit: Record<string, unknown>, who: CardUser) => {
			const answer = await send(cardId, edit, who);
			expect(answer.status, `${who.label} ${edit.kind}: ${JSON.stringify(answer.body)}`).toBe(200);
			// the audit row names the person, from the API
			const [audit] = await db.sql`
				select actor_user_id::int as "userId", source from audit_log where store_id = ${store.id} and seq = ${answer.body.event.seq}`;
			expect(audit.userId).toBe(who.userId);
			expect(audit.source).toMatch(/^http 127\.0\.0\.1 inst-cards/);
			return answer;
		};

		// 零件
		await ok(inBay, { kind: 'addPart', partNo: 'OIL-5W30', name: '机油', quantity: 4, unitPriceFen: 9_000, status: 'reserved', eta: null }, u.parts);
		const line = (await get(inBay, u.parts)).body.parts[0];
		await ok(inBay, { kind: 'updatePart', partId: line.id, quantity: 4, unitPriceFen: 9_000, status: 'picked', eta: null }, u.parts);
		await refusedWrites(inBay, flags, u.parts);
		await refusedWrites(inBay, { kind: 'stopWork', reason: 'parts' }, u.parts);
		await refusedWrites(inBay, goodVehicle, u.parts);

		// 维修技师
		await ok(inBay, { kind: 'addItem', description: '更换刹车盘', labourMinutes: 45, extra: true }, u.technician);
		await refusedWrites(inBay, { kind: 'addItem', description: '洗车', labourMinutes: 10, extra: false }, u.technician);
		const item = (await get(inBay, u.technician)).body.items[0];
		await refusedWrites(inBay, { kind: 'removeItem', itemId: item.id }, u.technician);
		await refusedWrites(inBay, { kind: 'authorise', itemId: item.id, decision: 'approved', via: 'phone' }, u.technician);
		await refusedWrites(inBay, flags, u.technician);
		await refusedWrites(inBay, { kind: 'documents', documents: { workOrder: true, estimate: true, partsSlip: true } }, u.technician);
		await refusedWrites(inBay, { kind: 'addPart', partNo: 'X1', name: '', quantity: 1, unitPriceFen: 1, status: 'toOrder', eta: null }, u.technician);
		await ok(inQc, { kind: 'qcCheck', stage: 'self', passed: true, reason: null }, u.technician);
		await ok(inQc, { kind: 'qcCheck', stage: 'lead', passed: true, reason: null }, u.lead);
		await refusedWrites(inQc, { kind: 'qcCheck', stage: 'final', passed: true, reason: null }, u.technician);
		await refusedWrites(inQc, { kind: 'qcCheck', stage: 'final', passed: true, reason: null }, u.lead);

		// 客服
		await ok(inBay, { kind: 'customer', name: '王小明', surname: '王', title: '先生', phone: '13800138000' }, u.service);
		await ok(inBay, { kind: 'authorise', itemId: item.id, decision: 'approved', via: 'phone' }, u.service);
		await refusedWrites(inBay, flags, u.service);
		await refusedWrites(inBay, { kind: 'stopWork', reason: 'labour' }, u.service);
		await refusedWrites(inQc, { kind: 'qcCheck', stage: 'final', passed: true, reason: null }, u.service);

		// 店长 / IT: reads, never edits
		await refusedWrites(inBay, flags, u.storeAdmin);
		// 技术总监: the final inspection
		await ok(inQc, { kind: 'qcCheck', stage: 'final', passed: true, reason: null }, u.director);
		expect(await cardViolations(db.sql, store.id)).toEqual([]);
	});

	it('a wall display, no credential, a foreign origin, another store: refused, nothing written', async () => {
		const cardId = await addCard(db.sql, store, { column: 'inBay' });
		const theirs = await addCard(db.sql, other, { column: 'inBay' });
		const flags = { kind: 'flags', safety: true, comeback: false, complaint: false, customerWaits: false, washDeclined: false };
		const before = [await cardWrites(db.sql, store.id), await cardWrites(db.sql, other.id)];
		const body = { expectedVersion: 1, idempotencyKey: newKey(), edit: flags };

		expect(await post(cardId, body, store.display)).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
		expect(await post(cardId, body, null)).toMatchObject({ status: 401, body: { error: { code: 'unauthenticated' } } });
		expect(await post(cardId, body, { cookie: 'wb_session=forged-token-value' })).toMatchObject({ status: 401 });
		expect(await post(cardId, body, u.advisor, { origin: 'https://evil.example' })).toMatchObject({ status: 403 });
		// another store's card through our store: not on this board
		expect(await post(theirs, body, u.advisor)).toMatchObject({ status: 404, body: { error: { code: 'cardNotFound' } } });
		expect(await get(theirs, u.advisor)).toMatchObject({ status: 404 });
		// our advisor in the other store: no role there
		expect(await post(theirs, body, u.advisor, { slug: other.slug })).toMatchObject({ status: 403 });
		expect(await get(theirs, u.advisor, other.slug)).toMatchObject({ status: 403 });
		expect(await post(cardId, body, u.advisor, { slug: 'no-such-store' })).toMatchObject({ status: 404 });
		for (const bad of ['0', '-1', 'abc', '1e3', String(2 ** 60)]) {
			const response = await fetch(`${web.url}/api/stores/${store.slug}/cards/${bad}/edits`, {
				method: 'POST',
				headers: { cookie: u.advisor.cookie, origin: web.url, 'content-type': 'application/json' },
				body: JSON.stringify(body)
			});
			expect(response.status, bad).toBe(404);
		}
		expect([await cardWrites(db.sql, store.id), await cardWrites(db.sql, other.id)]).toEqual(before);
		// the wall TV shows the board, not the whole job: the card page carries the customer's phone
		// and the VIN, which a screen anyone in the workshop can read has no business with
		expect((await get(cardId, store.display)).status).toBe(403);
		expect((await get(cardId, null)).status).toBe(401);
	});

	afterAll(async () => {
		expect(await boardViolations(db.sql)).toEqual([]);
	});
});
