/**
 * The rules of the card as a workshop runs them (issue #5), against real Postgres, through the same
 * functions the API calls (editCard, moveCard): extra work waits for the customer, parts block
 * "ready", stock is held and given back, QC goes in order by different people and a failure is
 * rework, and the handover closes the job. A refused edit writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CardDetail } from '$lib/domain/card';
import { readCardDetail } from '$lib/server/cards/detail';
import { editCard } from '$lib/server/cards/edit';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { cleanup } from '../helpers/apps';
import {
	actorOf,
	addCard,
	addCardStore,
	boardViolations,
	cardViolations,
	cardWrites,
	edit,
	edited,
	moveTo,
	newKey,
	viewCard,
	type CardStore
} from './world';

const opened = cleanup();
let db: TestDatabase;
let store: CardStore;
let u: CardStore['users'];

beforeAll(async () => {
	db = opened.add(await createTestDatabase(), (d) => d.drop());
	store = await addCardStore(db.sql, { label: 'rules' });
	u = store.users;
});
afterAll(() => opened.run());

const detail = async (cardId: number, s = store) => (await readCardDetail(db.sql, s.id, cardId)) as CardDetail;
const onHand = async (partNo: string) =>
	(await db.sql<{ n: number }[]>`select on_hand as n from parts where store_id = ${store.id} and part_no = ${partNo}`)[0].n;

/** a refused edit: the refusal, and nothing written */
async function refused(cardId: number, change: Parameters<typeof edit>[3], user = u.director) {
	const before = await cardWrites(db.sql, store.id);
	const ack = await edit(db.sql, store, cardId, change, user);
	expect(ack.ok, JSON.stringify(ack)).toBe(false);
	expect(await cardWrites(db.sql, store.id)).toEqual(before);
	return ack.ok ? undefined : ack.error;
}

describe('extra work found in the bay (增项)', () => {
	it('waits for the customer: pending, stopped for authorisation, kept out of QC; approving clears the stop', async () => {
		const cardId = await addCard(db.sql, store, { column: 'inBay' });
		const added = await edited(db.sql, store, cardId, { kind: 'addItem', description: '更换刹车盘', labourMinutes: 45, extra: true }, u.technician);
		expect(added.card).toMatchObject({ authorisationPending: true, stopWork: { reason: 'authorisation' } });
		const item = (await detail(cardId)).items[0];
		expect(item).toMatchObject({ extra: true, authorisation: 'pending' });

		const toQc = await moveTo(db.sql, store, cardId, 'qc', u.technician);
		expect(toQc).toMatchObject({ ok: false, error: { code: 'moveRefused', reason: 'stoppedWork' } });
		expect(await refused(cardId, { kind: 'stopWork', reason: null }, u.technician)).toMatchObject({
			code: 'editRefused',
			editReason: 'stopWorkPending'
		});
		expect(await refused(cardId, { kind: 'stopWork', reason: 'labour' })).toMatchObject({ editReason: 'stopWorkPending' });

		const approved = await edited(db.sql, store, cardId, { kind: 'authorise', itemId: item.id, decision: 'approved', via: 'phone' }, u.service);
		expect(approved.card).toMatchObject({ authorisationPending: false, stopWork: null });
		expect(await refused(cardId, { kind: 'authorise', itemId: item.id, decision: 'declined', via: 'phone' })).toMatchObject({ editReason: 'notPending' });
		expect(await refused(cardId, { kind: 'updateItem', itemId: item.id, description: '便宜点', labourMinutes: 10 })).toMatchObject({ editReason: 'authorisedItem' });
		expect(await moveTo(db.sql, store, cardId, 'qc', u.technician)).toMatchObject({ ok: true });
	});

	it('two extra items: approving one keeps the card stopped until the other is decided', async () => {
		const cardId = await addCard(db.sql, store, { column: 'inBay' });
		await edited(db.sql, store, cardId, { kind: 'addItem', description: '更换雨刮', labourMinutes: 10, extra: true }, u.technician);
		await edited(db.sql, store, cardId, { kind: 'addItem', description: '空调清洗', labourMinutes: 35, extra: true }, u.technician);
		const [a, b] = (await detail(cardId)).items;
		const one = await edited(db.sql, store, cardId, { kind: 'authorise', itemId: a.id, decision: 'approved', via: 'message' }, u.service);
		expect(one.card).toMatchObject({ authorisationPending: true, stopWork: { reason: 'authorisation' } });
		const two = await edited(db.sql, store, cardId, { kind: 'authorise', itemId: b.id, decision: 'declined', via: 'phone' }, u.service);
		expect(two.card).toMatchObject({ authorisationPending: false, stopWork: null });
	});

	it('a card already stopped for another reason cannot have its stop cleared while an extra item waits', async () => {
		// stopped for labour first; then the technician finds extra work: the card stays stopped
		// ("labour"), and the customer has not answered yet
		const cardId = await addCard(db.sql, store, { column: 'inBay' });
		await edited(db.sql, store, cardId, { kind: 'stopWork', reason: 'labour' }, u.technician);
		const added = await edited(db.sql, store, cardId, { kind: 'addItem', description: '更换刹车盘', labourMinutes: 45, extra: true }, u.technician);
		expect(added.card).toMatchObject({ authorisationPending: true, stopWork: { reason: 'labour' } });
		// the labour is back: clearing the stop would let work go on without the customer's word
		const clear = await edit(db.sql, store, cardId, { kind: 'stopWork', reason: null }, u.technician);
		const card = await viewCard(db.sql, cardId);
		expect(
			clear,
			`cleared the stop with an extra item still pending: card is ${JSON.stringify({ stopWork: card.stopWork, authorisationPending: card.authorisationPending })}`
		).toMatchObject({ ok: false, error: { code: 'editRefused', editReason: 'stopWorkPending' } });
		expect(await moveTo(db.sql, store, cardId, 'qc', u.technician)).toMatchObject({ ok: false });
	});
});

describe('parts (零件出库单)', () => {
	it('a line to order keeps the card waiting: prep → ready refused; arrived lets it go', async () => {
		const cardId = await addCard(db.sql, store, { column: 'prep' });
		const added = await edited(db.sql, store, cardId, { kind: 'addPart', partNo: 'DISC-22', name: '刹车盘', quantity: 1, unitPriceFen: 88_000, status: 'toOrder', eta: null }, u.parts);
		expect(added.card.partsWaiting).toBe(true);
		expect(await moveTo(db.sql, store, cardId, 'ready', u.advisor)).toMatchObject({ ok: false, error: { code: 'moveRefused', reason: 'partsWaiting' } });
		const line = (await detail(cardId)).parts[0];
		const ordered = await edited(db.sql, store, cardId, { kind: 'updatePart', partId: line.id, quantity: 1, unitPriceFen: 88_000, status: 'ordered', eta: '2099-01-05' }, u.parts);
		expect(ordered.card.partsWaiting).toBe(true);
		expect(await moveTo(db.sql, store, cardId, 'ready', u.advisor)).toMatchObject({ ok: false, error: { reason: 'partsWaiting' } });
		const arrived = await edited(db.sql, store, cardId, { kind: 'updatePart', partId: line.id, quantity: 1, unitPriceFen: 88_000, status: 'arrived', eta: null }, u.parts);
		expect(arrived.card.partsWaiting).toBe(false);
		expect(await moveTo(db.sql, store, cardId, 'ready', u.advisor)).toMatchObject({ ok: true });
	});

	it('holding a stocked part takes it off the shelf; releasing or removing gives it back; more than on hand is refused', async () => {
		const partNo = 'BP-0001';
		expect(await onHand(partNo)).toBe(store.stock[partNo]); // 4
		const cardId = await addCard(db.sql, store, { column: 'prep' });
		const other = await addCard(db.sql, store, { column: 'prep' });
		const line = (partId: number, quantity: number, status: 'inStock' | 'reserved' | 'picked' | 'toOrder') =>
			({ kind: 'updatePart', partId, quantity, unitPriceFen: 15_000, status, eta: null }) as const;

		await edited(db.sql, store, cardId, { kind: 'addPart', partNo, name: '前刹车片', quantity: 3, unitPriceFen: 15_000, status: 'reserved', eta: null }, u.parts);
		expect(await onHand(partNo)).toBe(1);
		const id = (await detail(cardId)).parts[0].id;
		await edited(db.sql, store, cardId, line(id, 3, 'picked'), u.parts);
		expect(await onHand(partNo)).toBe(1);

		expect(await refused(other, { kind: 'addPart', partNo, name: '前刹车片', quantity: 2, unitPriceFen: 15_000, status: 'reserved', eta: null }, u.parts)).toMatchObject({
			code: 'editRefused',
			editReason: 'outOfStock'
		});
		expect(await refused(cardId, line(id, 5, 'picked'), u.parts)).toMatchObject({ editReason: 'outOfStock' });
		// not held: in stock without reserving, or to order, takes nothing
		await edited(db.sql, store, other, { kind: 'addPart', partNo, name: '前刹车片', quantity: 2, unitPriceFen: 15_000, status: 'inStock', eta: null }, u.parts);
		expect(await onHand(partNo)).toBe(1);

		await edited(db.sql, store, cardId, line(id, 3, 'inStock'), u.parts);
		expect(await onHand(partNo)).toBe(4);
		await edited(db.sql, store, cardId, line(id, 4, 'reserved'), u.parts);
		expect(await onHand(partNo)).toBe(0);
		await edited(db.sql, store, cardId, line(id, 2, 'reserved'), u.parts);
		expect(await onHand(partNo)).toBe(2);
		await edited(db.sql, store, cardId, { kind: 'removePart', partId: id }, u.parts);
		expect(await onHand(partNo)).toBe(4);
		// a part the store does not stock is not counted, and can always be held
		await edited(db.sql, store, cardId, { kind: 'addPart', partNo: 'SPECIAL-1', name: '', quantity: 9, unitPriceFen: 1, status: 'reserved', eta: null }, u.parts);
		expect(await refused(cardId, { kind: 'removePart', partId: 2 ** 40 }, u.parts)).toMatchObject({ editReason: 'partNotFound' });
	});

	it('an ordered part comes from the supplier: arriving and picking take nothing off the shelf; given back, it goes onto it', async () => {
		const partNo = 'BP-0001';
		const start = await onHand(partNo);
		const cardId = await addCard(db.sql, store, { column: 'prep' });
		const update = (partId: number, status: 'ordered' | 'arrived' | 'picked', eta: string | null = null) =>
			({ kind: 'updatePart', partId, quantity: 2, unitPriceFen: 15_000, status, eta }) as const;
		await edited(db.sql, store, cardId, { kind: 'addPart', partNo, name: '前刹车片', quantity: 2, unitPriceFen: 15_000, status: 'ordered', eta: '2099-01-05' }, u.parts);
		const id = (await detail(cardId)).parts[0].id;
		await edited(db.sql, store, cardId, update(id, 'arrived'), u.parts);
		expect(await onHand(partNo)).toBe(start);
		await edited(db.sql, store, cardId, update(id, 'picked'), u.parts);
		expect(await onHand(partNo)).toBe(start);
		await edited(db.sql, store, cardId, { kind: 'removePart', partId: id }, u.parts);
		expect(await onHand(partNo)).toBe(start + 2);
	});
});

describe('QC (技师自检 → 班组长检验 → 终检)', () => {
	it('in order, by different people; leaving QC forward needs all three', async () => {
		const cardId = await addCard(db.sql, store, { column: 'qc' });
		const qc = (stage: 'self' | 'lead' | 'final', passed = true, reason: string | null = null) =>
			({ kind: 'qcCheck', stage, passed, reason }) as const;
		expect(await refused(cardId, qc('lead'), u.lead)).toMatchObject({ editReason: 'qcOutOfOrder' });
		expect(await refused(cardId, qc('final'))).toMatchObject({ editReason: 'qcOutOfOrder' });
		// the final inspection is not the technician's
		expect(await refused(cardId, qc('final'), u.technician)).toMatchObject({ code: 'forbidden' });
		await edited(db.sql, store, cardId, qc('self'), u.technician);
		expect(await refused(cardId, qc('self'), u.technician)).toMatchObject({ editReason: 'qcAlreadyPassed' });
		expect(await refused(cardId, qc('lead'), u.technician)).toMatchObject({ editReason: 'sameChecker' });
		expect(await moveTo(db.sql, store, cardId, 'wash', u.director)).toMatchObject({ ok: false, error: { reason: 'qcIncomplete' } });
		await edited(db.sql, store, cardId, qc('lead'), u.lead);
		expect(await moveTo(db.sql, store, cardId, 'wash', u.director)).toMatchObject({ ok: false, error: { reason: 'qcIncomplete' } });
		await edited(db.sql, store, cardId, qc('final'), u.director);
		expect(await moveTo(db.sql, store, cardId, 'wash', u.director)).toMatchObject({ ok: true });
		// checks are made in QC only
		expect(await refused(cardId, qc('self'), u.technician)).toMatchObject({ editReason: 'notInQc' });
	});

	it('a failed check needs its reason, sends the card back to "in bay" with reworkCount + 1, and is remembered', async () => {
		const cardId = await addCard(db.sql, store, { column: 'qc' });
		await edited(db.sql, store, cardId, { kind: 'qcCheck', stage: 'self', passed: true, reason: null }, u.technician);
		expect(await refused(cardId, { kind: 'qcCheck', stage: 'lead', passed: false, reason: null }, u.lead)).toMatchObject({
			code: 'invalidInput',
			field: 'reason'
		});
		// past the schema (an API client calling the function): the rule itself says no
		const before = await cardWrites(db.sql, store.id);
		const blank = await editCard(db.sql, store.id, cardId, {
			expectedVersion: (await viewCard(db.sql, cardId)).version,
			idempotencyKey: newKey(),
			edit: { kind: 'qcCheck', stage: 'lead', passed: false, reason: '   ' }
		}, actorOf(u.lead));
		expect(blank).toMatchObject({ ok: false, error: { editReason: 'reasonRequired' } });
		expect(await cardWrites(db.sql, store.id)).toEqual(before);

		const failed = await edited(db.sql, store, cardId, { kind: 'qcCheck', stage: 'lead', passed: false, reason: '左前轮异响' }, u.lead);
		expect(failed).toMatchObject({ type: 'card:updated', kind: 'qcCheck', from: 'qc' });
		expect(failed.card).toMatchObject({ column: 'inBay', reworkCount: 1, qc: { self: false, lead: false, final: false } });
		const rows = await db.sql`
			select stage, passed, reason, actor_user_id::int as "by" from qc_checks where card_id = ${cardId} order by id`;
		expect(rows).toEqual([
			{ stage: 'self', passed: true, reason: null, by: u.technician.userId },
			{ stage: 'lead', passed: false, reason: '左前轮异响', by: u.lead.userId }
		]);
		// back in QC, the round starts again: a fresh self-check
		expect(await moveTo(db.sql, store, cardId, 'qc', u.technician)).toMatchObject({ ok: true });
		expect((await viewCard(db.sql, cardId)).qc).toEqual({ self: false, lead: false, final: false });
		await edited(db.sql, store, cardId, { kind: 'qcCheck', stage: 'self', passed: true, reason: null }, u.lead);
		// the technician may check the lead's work this round
		await edited(db.sql, store, cardId, { kind: 'qcCheck', stage: 'lead', passed: true, reason: null }, u.technician);
	});
});

describe('handover (交车)', () => {
	/** a zone whose date is not UTC's right now, so that "store-local" is really tested */
	const zone = new Date().getUTCHours() >= 10 ? 'Pacific/Kiritimati' : 'Pacific/Pago_Pago';
	const localDay = (timeZone: string, plusDays = 0) => {
		const today = new Intl.DateTimeFormat('en-CA', { timeZone }).format(new Date());
		const d = new Date(`${today}T00:00:00Z`);
		d.setUTCDate(d.getUTCDate() + plusDays);
		return d.toISOString().slice(0, 10);
	};

	it('checks only in the handover column; completion refused until six checks and the next service', async () => {
		const washing = await addCard(db.sql, store, { column: 'wash' });
		expect(await refused(washing, { kind: 'handoverChecks', checks: ['partsShown'] }, u.advisor)).toMatchObject({ editReason: 'notInHandover' });
		expect(await refused(washing, { kind: 'completeHandover' }, u.advisor)).toMatchObject({ editReason: 'notInHandover' });

		const cardId = await addCard(db.sql, store, { column: 'handover', appointment: true });
		expect(await refused(cardId, { kind: 'completeHandover' }, u.advisor)).toMatchObject({ editReason: 'handoverIncomplete' });
		await edited(db.sql, store, cardId, { kind: 'handoverChecks', checks: ['partsShown', 'workExplained', 'recommendationsExplained', 'billExplained', 'vehicleClean'] }, u.advisor);
		await edited(db.sql, store, cardId, { kind: 'nextService', on: '2099-01-01', km: 40_000 }, u.advisor);
		const five = await refused(cardId, { kind: 'completeHandover' }, u.advisor);
		expect(five).toMatchObject({ editReason: 'handoverIncomplete' });
		expect(five?.message).toContain('keysReturned');
		expect(await refused(cardId, { kind: 'handoverChecks', checks: ['partsShown', 'partsShown'] }, u.advisor)).toMatchObject({ code: 'invalidInput', field: 'checks' });
		// the technician does not hand cars over
		expect(await refused(cardId, { kind: 'completeHandover' }, u.technician)).toMatchObject({ code: 'forbidden' });
	});

	it('completes in the store’s own day: archived, vehicle serviced, appointment done, follow-up call due in 3 days', async () => {
		const far = await addCardStore(db.sql, { label: 'far', timeZone: zone });
		const today = localDay(zone);
		// the point of this store: its day is not the UTC day
		expect(today).not.toBe(new Date().toISOString().slice(0, 10));
		const cardId = await addCard(db.sql, far, { column: 'handover', appointment: true });
		const a = far.users.advisor;
		await edited(db.sql, far, cardId, { kind: 'handoverChecks', checks: ['partsShown', 'workExplained', 'recommendationsExplained', 'billExplained', 'vehicleClean', 'keysReturned'] }, a);
		// the next service is after today, in the store's day
		const nextOnToday = await edit(db.sql, far, cardId, { kind: 'nextService', on: today, km: 40_000 }, a);
		expect(nextOnToday).toMatchObject({ ok: false, error: { code: 'invalidInput', field: 'on' } });
		expect(await edit(db.sql, far, cardId, { kind: 'completeHandover' }, a)).toMatchObject({ ok: false, error: { editReason: 'handoverIncomplete' } });
		await edited(db.sql, far, cardId, { kind: 'nextService', on: localDay(zone, 1), km: 40_000 }, a);

		const done = await edited(db.sql, far, cardId, { kind: 'completeHandover' }, a);
		expect(done).toMatchObject({ type: 'card:archived', reason: 'handedOver', card: { id: cardId } });
		const [card] = await db.sql`
			select archived_at is not null as archived, handed_over_at is not null as handed, appointment_id::int as "appointmentId",
				vehicle_id::int as "vehicleId", customer_id::int as "customerId"
			from cards where id = ${cardId}`;
		expect(card).toMatchObject({ archived: true, handed: true });
		const [vehicle] = await db.sql`
			select last_service_on::text as on, last_service_km as km, mileage_km as mileage from vehicles where id = ${card.vehicleId}`;
		expect(vehicle).toEqual({ on: today, km: 32_000, mileage: 32_000 });
		const [appointment] = await db.sql`select status from appointments where id = ${card.appointmentId}`;
		expect(appointment.status).toBe('done');
		const calls = await db.sql`
			select kind, due_on::text as due, customer_id::int as "customerId", vehicle_id::int as "vehicleId",
				appointment_id::int as "appointmentId", done_at
			from call_tasks where card_id = ${cardId}`;
		expect(calls).toEqual([
			{ kind: 'followUp', due: localDay(zone, 3), customerId: card.customerId, vehicleId: card.vehicleId, appointmentId: card.appointmentId, done_at: null }
		]);
		// off the board: no more edits, no card page
		expect(await readCardDetail(db.sql, far.id, cardId)).toBeNull();
		const after = await editCard(db.sql, far.id, cardId, { expectedVersion: done.card.version, idempotencyKey: newKey(), edit: { kind: 'completeHandover' } }, actorOf(a));
		expect(after).toMatchObject({ ok: false, error: { code: 'cardNotFound' } });
		expect((await db.sql`select count(*)::int as n from call_tasks where card_id = ${cardId}`)[0].n).toBe(1);
	});
});

describe('whatever happened above', () => {
	it('the database keeps its invariants', async () => {
		expect(await boardViolations(db.sql)).toEqual([]);
		const violations = await cardViolations(db.sql, store.id);
		console.log(`[cards/rules] card invariant violations: ${JSON.stringify(violations)}`);
		expect(violations).toEqual([]);
	});
});
