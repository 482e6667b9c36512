/**
 * Every kind of card edit against real Postgres (issue #5, G1, G10): each changes what the card
 * page reads, bumps the card's version by one, appends exactly one event with the store's next
 * sequence number and exactly one audit row of the card, in one transaction; the event's card is
 * the card as the board view shows it afterwards. The estimate is computed, never typed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CardEdit, CardDetail } from '$lib/domain/card';
import { readCardDetail } from '$lib/server/cards/detail';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { cleanup } from '../helpers/apps';
import {
	addCard,
	addCardStore,
	boardViolations,
	cardViolations,
	edit,
	viewCard,
	type BoardEvent,
	type CardStore,
	type CardUser
} from './world';

const opened = cleanup();
let db: TestDatabase;
let store: CardStore;
const kindsSeen = new Set<string>();

beforeAll(async () => {
	db = opened.add(await createTestDatabase(), (d) => d.drop());
	store = await addCardStore(db.sql, { label: 'edits' });
});
afterAll(async () => {
	console.log(`[cards/edits] edit kinds checked: ${kindsSeen.size} (${[...kindsSeen].join(', ')})`);
	await opened.run();
});

const detail = async (cardId: number) => (await readCardDetail(db.sql, store.id, cardId)) as CardDetail;

/**
 * Applies `change` at the card's version and checks the one-transaction promise: version + 1,
 * one event with the next seq (gap-free), one audit row of the card with that seq, the event's
 * card equals the view. Returns the event and the card page afterwards.
 */
async function applied(cardId: number, change: CardEdit, user: CardUser = store.users.director) {
	const seqOf = async () =>
		(await db.sql<{ last: number }[]>`
			select coalesce((select last_seq::int from store_sequences where store_id = ${store.id}), 0) as last`)[0].last;
	const before = { card: await viewCard(db.sql, cardId), seq: await seqOf() };
	const [{ events: eventsBefore }] = await db.sql<{ events: number }[]>`
		select count(*)::int as events from board_events where store_id = ${store.id}`;
	const auditsBefore = await db.sql<{ id: number }[]>`
		select id::int from audit_log where store_id = ${store.id} and card_id = ${cardId} and seq is not null`;

	const ack = await edit(db.sql, store, cardId, change, user);
	expect(ack, `${change.kind}: ${JSON.stringify(ack)}`).toMatchObject({ ok: true, data: { replayed: false } });
	if (!ack.ok) throw new Error('unreachable');
	const event = ack.data.event;
	kindsSeen.add(change.kind);

	expect(event.seq, `${change.kind}: the store's next seq`).toBe(before.seq + 1);
	expect(await seqOf()).toBe(before.seq + 1);
	expect(event.card.version).toBe(before.card.version + 1);
	const events = await db.sql<{ seq: number; type: string; cardId: number; payload: BoardEvent }[]>`
		select seq::int, type, card_id::int as "cardId", payload from board_events
		where store_id = ${store.id} order by seq`;
	expect(events).toHaveLength(eventsBefore + 1);
	expect(events.at(-1)).toEqual({ seq: event.seq, type: event.type, cardId, payload: event });
	expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
	const audits = await db.sql<{ id: number; seq: number; action: string; detail: Record<string, unknown>; label: string }[]>`
		select id::int, seq::int, action, detail, actor_label as label from audit_log
		where store_id = ${store.id} and card_id = ${cardId} and seq is not null order by id`;
	expect(audits).toHaveLength(auditsBefore.length + 1);
	const audit = audits.at(-1)!;
	expect(audit).toMatchObject({
		seq: event.seq,
		action: change.kind === 'completeHandover' ? 'card.handover' : 'card.edit',
		label: user.label,
		detail: { kind: change.kind, version: before.card.version + 1 }
	});
	const view = await viewCard(db.sql, cardId);
	expect(event.card).toEqual(view);
	if (event.type === 'card:updated') expect(event.kind).toBe(change.kind);
	return { event, view, page: change.kind === 'completeHandover' ? null : await detail(cardId), audit };
}

describe('each edit kind, one transaction', () => {
	it('vehicle and customer: the card page and the card face show the new words', async () => {
		const cardId = await addCard(db.sql, store, { column: 'inBay', appointment: true });
		const v = await applied(cardId, {
			kind: 'vehicle',
			plate: '沪B·88888',
			model: '帕萨特 330TSI',
			vin: 'LSVAB12C3DE456789',
			mileageKm: 45_210
		});
		expect(v.page!.vehicle).toMatchObject({ plate: '沪B·88888', model: '帕萨特 330TSI', vin: 'LSVAB12C3DE456789', mileageKm: 45_210 });
		expect(v.view).toMatchObject({ plate: '沪B·88888', model: '帕萨特 330TSI' });
		expect(v.audit.detail.changes).toMatchObject({ mileageKm: [32_000, 45_210], vin: [null, 'LSVAB12C3DE456789'] });
		expect(v.page!.history[0]).toMatchObject({ action: 'card.edit', kind: 'vehicle', changes: { mileageKm: [32_000, 45_210] } });

		const c = await applied(cardId, { kind: 'customer', name: '李雷', surname: '李', title: '女士', phone: '13912345678' }, store.users.service);
		expect(c.page!.customer).toMatchObject({ name: '李雷', surname: '李', title: '女士', phone: '13912345678' });
		expect(c.view.customerName).toBe('李女士');
	});

	it('flags, assign, documents, stopWork', async () => {
		const cardId = await addCard(db.sql, store, { column: 'inBay' });
		const f = await applied(cardId, { kind: 'flags', safety: true, comeback: false, complaint: true, customerWaits: true, washDeclined: true });
		expect(f.view).toMatchObject({ safety: true, complaint: true, customerWaits: true, washDeclined: true, comeback: false });

		const a = await applied(cardId, {
			kind: 'assign',
			team: '机电一组',
			technicianId: store.users.technician.userId,
			bayId: store.bayIds[1],
			advisorId: store.users.advisor.userId
		});
		expect(a.page!.assignment).toEqual({
			team: '机电一组',
			technicianId: store.users.technician.userId,
			bayId: store.bayIds[1],
			advisorId: store.users.advisor.userId
		});
		expect(a.view).toMatchObject({ team: '机电一组', technician: store.users.technician.label, bay: '2号工位', advisor: store.users.advisor.label });
		expect(a.page!.options.technicians.map((t) => t.id).sort()).toEqual(
			[store.users.technician.userId, store.users.lead.userId].sort()
		);

		const d = await applied(cardId, { kind: 'documents', documents: { workOrder: true, estimate: true, partsSlip: false } });
		expect(d.page!.documents).toEqual({ workOrder: true, estimate: true, partsSlip: false });

		const s = await applied(cardId, { kind: 'stopWork', reason: 'labour' }, store.users.technician);
		expect(s.view.stopWork).toMatchObject({ reason: 'labour' });
		expect(Date.parse(s.view.stopWork!.since)).not.toBeNaN();
		const cleared = await applied(cardId, { kind: 'stopWork', reason: null });
		expect(cleared.view.stopWork).toBeNull();
	});

	it('job items and authorisation; the estimate is computed: labour × rate, parts qty × price, pending apart, declined out', async () => {
		const cardId = await addCard(db.sql, store, { column: 'inBay' });
		const rate = store.labourRateFen;
		await applied(cardId, { kind: 'addItem', description: '更换前刹车片', labourMinutes: 50, extra: false });
		const second = await applied(cardId, { kind: 'addItem', description: '检查底盘', labourMinutes: 15, extra: false });
		const [main, check] = second.page!.items;
		expect(main).toMatchObject({ description: '更换前刹车片', labourMinutes: 50, labourFen: Math.round((50 * rate) / 60), extra: false, authorisation: 'notNeeded' });

		const u = await applied(cardId, { kind: 'updateItem', itemId: main.id, description: '更换前后刹车片', labourMinutes: 80 });
		expect(u.page!.items[0]).toMatchObject({ description: '更换前后刹车片', labourMinutes: 80 });
		const r = await applied(cardId, { kind: 'removeItem', itemId: check.id });
		expect(r.page!.items.map((i) => i.id)).toEqual([main.id]);

		// extra items: one the customer will approve, one they will decline, one still pending
		for (const [description, labourMinutes] of [['更换刹车盘', 45], ['更换雨刮', 10], ['空调清洗', 35]] as const) {
			const x = await applied(cardId, { kind: 'addItem', description, labourMinutes, extra: true }, store.users.technician);
			expect(x.view.authorisationPending).toBe(true);
			expect(x.view.stopWork).toMatchObject({ reason: 'authorisation' });
		}
		const [, disc, wiper] = (await detail(cardId)).items;
		const yes = await applied(cardId, { kind: 'authorise', itemId: disc.id, decision: 'approved', via: 'phone' }, store.users.service);
		expect(yes.page!.items[1]).toMatchObject({ authorisation: 'approved', authorisedBy: store.users.service.label, authorisedVia: 'phone' });
		expect(Date.parse(yes.page!.items[1].authorisedAt!)).not.toBeNaN();
		const no = await applied(cardId, { kind: 'authorise', itemId: wiper.id, decision: 'declined', via: 'inPerson' });
		expect(no.view.authorisationPending).toBe(true); // 空调清洗 still waits

		// parts: two lines
		await applied(cardId, { kind: 'addPart', partNo: 'bp-0001', name: '前刹车片', quantity: 2, unitPriceFen: 15_000, status: 'inStock', eta: null }, store.users.parts);
		const p = await applied(cardId, { kind: 'addPart', partNo: 'DISC-22', name: '刹车盘', quantity: 1, unitPriceFen: 88_050, status: 'toOrder', eta: null }, store.users.parts);
		expect(p.page!.parts.map((l) => [l.partNo, l.amountFen])).toEqual([['BP-0001', 30_000], ['DISC-22', 88_050]]);

		const page = await detail(cardId);
		const labourMinutes = 80 + 45; // main + approved disc; wiper declined; 空调清洗 pending
		expect(page.labourRateFen).toBe(rate);
		expect(page.estimate).toEqual({
			labourMinutes,
			labourFen: Math.round((labourMinutes * rate) / 60),
			partsFen: 30_000 + 88_050,
			totalFen: Math.round((labourMinutes * rate) / 60) + 118_050,
			pendingFen: Math.round((35 * rate) / 60)
		});
		expect(await cardViolations(db.sql, store.id)).toEqual([]);
	});

	it('parts lines: add, update to ordered with ETA, then arrived, then remove; partsWaiting follows', async () => {
		const cardId = await addCard(db.sql, store, { column: 'prep' });
		const a = await applied(cardId, { kind: 'addPart', partNo: 'FLT-9', name: '空滤', quantity: 1, unitPriceFen: 6_800, status: 'toOrder', eta: null }, store.users.parts);
		expect(a.view.partsWaiting).toBe(true);
		const line = a.page!.parts[0];
		expect(line).toMatchObject({ partNo: 'FLT-9', status: 'toOrder', eta: null, leadDays: 5 });
		const o = await applied(cardId, { kind: 'updatePart', partId: line.id, quantity: 2, unitPriceFen: 6_500, status: 'ordered', eta: '2099-03-01' }, store.users.parts);
		expect(o.page!.parts[0]).toMatchObject({ quantity: 2, unitPriceFen: 6_500, amountFen: 13_000, status: 'ordered', eta: '2099-03-01' });
		expect(o.view.partsWaiting).toBe(true);
		const here = await applied(cardId, { kind: 'updatePart', partId: line.id, quantity: 2, unitPriceFen: 6_500, status: 'arrived', eta: '2099-03-01' }, store.users.parts);
		expect(here.view.partsWaiting).toBe(false);
		const gone = await applied(cardId, { kind: 'removePart', partId: line.id });
		expect(gone.page!.parts).toEqual([]);
		expect(gone.page!.estimate.partsFen).toBe(0);
	});

	it('the three QC checks, and a failed one', async () => {
		const cardId = await addCard(db.sql, store, { column: 'qc' });
		const self = await applied(cardId, { kind: 'qcCheck', stage: 'self', passed: true, reason: null }, store.users.technician);
		expect(self.page!.qc).toEqual({ self: true, lead: false, final: false });
		const lead = await applied(cardId, { kind: 'qcCheck', stage: 'lead', passed: true, reason: null }, store.users.lead);
		expect(lead.view.qc).toEqual({ self: true, lead: true, final: false });
		const final = await applied(cardId, { kind: 'qcCheck', stage: 'final', passed: true, reason: null });
		expect(final.view.qc).toEqual({ self: true, lead: true, final: true });
		expect(final.page!.qcHistory.map((q) => [q.stage, q.passed, q.actor])).toEqual([
			['final', true, store.users.director.label],
			['lead', true, store.users.lead.label],
			['self', true, store.users.technician.label]
		]);

		const other = await addCard(db.sql, store, { column: 'qc' });
		const failed = await applied(other, { kind: 'qcCheck', stage: 'self', passed: false, reason: '刹车异响' }, store.users.technician);
		expect(failed.event).toMatchObject({ type: 'card:updated', kind: 'qcCheck', from: 'qc' });
		expect(failed.view).toMatchObject({ column: 'inBay', reworkCount: 1, qc: { self: false, lead: false, final: false } });
		expect(failed.page!.history[0]).toMatchObject({ kind: 'qcCheck', note: '刹车异响', changes: { column: ['qc', 'inBay'] } });
	});

	it('handover checks, next service, completion', async () => {
		const cardId = await addCard(db.sql, store, { column: 'handover', appointment: true });
		const checks = ['partsShown', 'workExplained', 'recommendationsExplained', 'billExplained', 'vehicleClean', 'keysReturned'] as const;
		const c = await applied(cardId, { kind: 'handoverChecks', checks: [...checks] }, store.users.advisor);
		expect(c.page!.handover.checks).toEqual([...checks]);
		const n = await applied(cardId, { kind: 'nextService', on: '2099-06-30', km: 42_000 }, store.users.advisor);
		expect(n.page!.handover).toMatchObject({ nextServiceOn: '2099-06-30', nextServiceKm: 42_000, handedOverAt: null });
		const done = await applied(cardId, { kind: 'completeHandover' }, store.users.advisor);
		expect(done.event).toMatchObject({ type: 'card:archived', reason: 'handedOver' });
		expect(await readCardDetail(db.sql, store.id, cardId)).toBeNull();
	});

	afterAll(async () => {
		expect(await boardViolations(db.sql)).toEqual([]);
		expect(await cardViolations(db.sql, store.id)).toEqual([]);
	});
});

describe('an edit of a car or a person several open cards share', () => {
	it('updates every open card of that car: each its own version, event and history row; closed cards keep theirs', async () => {
		const first = await addCard(db.sql, store, { column: 'handover' });
		// the same car back as a comeback while its first job is still at handover, and one long gone
		const [again, gone] = await db.sql<{ id: number }[]>`
			insert into cards (store_id, customer_id, vehicle_id, board_column, due_at, job_summary, comeback, archived_at)
			select store_id, customer_id, vehicle_id, b.col, now(), '返修：刹车异响', true, b.archived
			from cards, (values ('inBay', null::timestamptz), ('handover', now())) as b(col, archived)
			where id = ${first}
			returning id::int`;
		const before = { again: await viewCard(db.sql, again.id), gone: await viewCard(db.sql, gone.id) };
		const ack = await edit(db.sql, store, first, { kind: 'vehicle', plate: '沪B·77321', model: '朗逸', vin: null, mileageKm: 33_000 }, store.users.advisor);
		expect(ack).toMatchObject({ ok: true });
		if (!ack.ok) throw new Error('unreachable');
		expect(ack.data.also).toHaveLength(1);
		const [other] = ack.data.also!;
		expect(other).toMatchObject({ type: 'card:updated', kind: 'vehicle', seq: ack.data.event.seq + 1 });
		expect(other.card).toEqual(await viewCard(db.sql, again.id));
		expect(other.card).toMatchObject({ plate: '沪B·77321', version: before.again.version + 1, column: 'inBay' });
		const history = await db.sql<{ action: string; seq: number }[]>`
			select action, seq::int from audit_log where card_id = ${again.id} and seq is not null`;
		expect(history).toEqual([{ action: 'card.edit', seq: other.seq }]);
		// the archived card's version is its own history: not touched
		expect((await db.sql<{ version: number }[]>`select version from cards where id = ${gone.id}`)[0].version).toBe(
			before.gone.version
		);
		expect(await boardViolations(db.sql)).toEqual([]);
	});
});
