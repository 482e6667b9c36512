import { prepBadge } from '../../src/lib/domain/overdue';
import { localDate } from '../../src/lib/domain/calendar';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { z } from 'zod';
import { COLUMNS, STOP_WORK_REASONS } from '../../src/lib/domain/board';
import { seedDemo } from '../../src/lib/server/db/seed';
import { createTestDatabase, type TestDatabase } from './helpers/db';

const now = new Date('2026-11-23T03:10:00.000Z'); // Monday 11:10 in Shanghai
const iso = z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
const boardCard = z.strictObject({
	id: z.number().int().positive(),
	column: z.enum(COLUMNS),
	version: z.number().int().positive(),
	plate: z.string().min(1),
	customerName: z.string().regex(/^\p{Script=Han}+(先生|女士)$/u),
	model: z.string().min(1),
	dueAt: iso,
	walkIn: z.boolean(),
	jobSummary: z.string().min(1),
	safety: z.boolean(),
	comeback: z.boolean(),
	complaint: z.boolean(),
	partsWaiting: z.boolean(),
	stopWork: z.strictObject({ reason: z.enum(STOP_WORK_REASONS), since: iso }).nullable(),
	customerWaits: z.boolean(),
	washDeclined: z.boolean(),
	reworkCount: z.number().int().min(0),
	technician: z.string().nullable(),
	bay: z.string().nullable(),
	advisor: z.string().nullable(),
	columnEnteredAt: iso,
	team: z.string().min(1).nullable(),
	qc: z.strictObject({ self: z.boolean(), lead: z.boolean(), final: z.boolean() }),
	authorisationPending: z.boolean(),
	prepDueAt: iso.nullable(),
	escalated: z.boolean(),
	rescheduleProposal: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).nullable(),
	noShow: z.boolean()
});
type Card = z.infer<typeof boardCard>;

const TABLES = ['dealer_groups', 'stores', 'users', 'store_roles', 'bays', 'customers', 'vehicles', 'appointments', 'cards', 'store_sequences'];

describe('seedDemo', () => {
	let db: TestDatabase;
	let storeId: number;
	let cards: Card[];

	const counts = async () => {
		const out: Record<string, number> = {};
		for (const t of TABLES) {
			const [{ n }] = await db.sql<{ n: number }[]>`select count(*)::int as n from ${db.sql(t)}`;
			out[t] = n;
		}
		return out;
	};
	const boardOf = async (id: number) =>
		(await db.sql<{ card: unknown }[]>`
			select card from board_card_view where store_id = ${id} and archived_at is null order by id`
		).map((r) => boardCard.parse(r.card));

	beforeAll(async () => {
		db = await createTestDatabase();
		const result = await seedDemo(db.sql, { now });
		expect(result.created).toBe(true);
		storeId = result.storeId;
		cards = await boardOf(storeId);
	});
	afterAll(async () => {
		await db?.drop();
	});

	it('creates one store in Asia/Shanghai with its sequence at 0', async () => {
		const stores = await db.sql`select slug, name, time_zone from stores`;
		expect(stores).toEqual([{ slug: 'demo', name: '上海浦东4S店', time_zone: 'Asia/Shanghai' }]);
		const [seq] = await db.sql`select last_seq::int as s from store_sequences where store_id = ${storeId}`;
		expect(seq.s).toBe(0);
	});

	it('puts a believable board of cards in every column', async () => {
		expect(cards.length).toBeGreaterThanOrEqual(50);
		expect(cards.length).toBeLessThanOrEqual(150);
		for (const column of COLUMNS) expect(cards.some((c) => c.column === column), column).toBe(true);
		for (const c of cards) {
			if (c.stopWork) expect(c.column).toBe('inBay');
			// waiting for parts: in prep, or in the bay stopped for them
			if (c.partsWaiting) expect(c.column === 'prep' || c.stopWork?.reason === 'parts').toBe(true);
			if (c.walkIn) expect(c.column).toBe('inBay');
			if (c.column === 'inBay' || c.column === 'qc') {
				expect(c.technician).not.toBeNull();
				expect(c.bay).not.toBeNull();
			}
			if (c.column === 'wash') expect(c.washDeclined).toBe(false);
			expect(c.advisor).not.toBeNull();
			expect(Date.parse(c.columnEnteredAt)).toBeLessThanOrEqual(now.getTime());
		}
		expect(cards.filter((c) => c.stopWork).length).toBeGreaterThanOrEqual(2);
		expect(cards.filter((c) => c.walkIn).length).toBeGreaterThanOrEqual(1);
		for (const flag of ['safety', 'comeback', 'complaint', 'partsWaiting', 'customerWaits', 'washDeclined'] as const)
			expect(cards.some((c) => c[flag]), flag).toBe(true);
		// the director's morning review has something to show, and not everything is late
		const badges = cards.map((c) => prepBadge(c, now.getTime(), (at) => localDate(at, 'Asia/Shanghai')));
		expect(badges.filter((b) => b === 'overdue').length).toBeGreaterThanOrEqual(1);
		expect(badges.filter((b) => b === null).length).toBeGreaterThan(cards.length / 2);
		// a QC round in progress, an extra item waiting for the customer, teams dispatched
		expect(cards.some((c) => c.column === 'qc' && c.qc.self && !c.qc.final)).toBe(true);
		expect(cards.filter((c) => c.authorisationPending).map((c) => c.stopWork?.reason)).toEqual(['authorisation']);
		for (const c of cards) if (c.technician) expect(c.team).not.toBeNull();
		for (const c of cards) if (['wash', 'handover'].includes(c.column)) expect(c.qc).toEqual({ self: true, lead: true, final: true });
		// handovers under way: some of the advisor's checks ticked
		const [ticked] = await db.sql<{ n: number }[]>`
			select count(*)::int as n from cards
			where store_id = ${storeId} and board_column = 'handover' and cardinality(handover_checks) > 0`;
		expect(ticked.n).toBeGreaterThan(0);
	});

	it('backs every passed QC check with its signed check: the technician, a colleague of the team, the director', async () => {
		const rows = await db.sql<{ id: number; flags: number; checks: number; same: boolean }[]>`
			select c.id::int,
				(c.qc_self::int + c.qc_lead::int + c.qc_final::int) as flags,
				(select count(*)::int from qc_checks q where q.card_id = c.id and q.passed) as checks,
				exists (select 1 from qc_checks a join qc_checks b on a.card_id = b.card_id
					where a.card_id = c.id and a.stage = 'self' and b.stage = 'lead'
						and a.actor_user_id = b.actor_user_id) as same
			from cards c where c.store_id = ${storeId} and c.archived_at is null`;
		expect(rows.some((r) => r.flags > 0)).toBe(true);
		for (const r of rows) expect({ id: r.id, checks: r.checks, same: r.same }).toEqual({ id: r.id, checks: r.flags, same: false });
	});

	it('gives vehicles Chinese plates and 17-character VINs', async () => {
		const vehicles = await db.sql<{ plate: string; vin: string }[]>`select plate, vin from vehicles`;
		expect(vehicles.length).toBeGreaterThan(60);
		for (const { plate, vin } of vehicles) {
			expect(plate).toMatch(/^[\u4e00-\u9fa5][A-Z]·[A-Z0-9]{5,6}$/);
			expect(vin).toHaveLength(17);
			expect(vin).toMatch(/^[A-HJ-NPR-Z0-9]{17}$/);
		}
		const phones = await db.sql<{ phone: string }[]>`select phone from customers`;
		for (const { phone } of phones) expect(phone).toMatch(/^1[3-9]\d{9}$/);
	});

	it('books appointments on the quarter hour between 08:30 and 17:00 Shanghai time, yesterday to 6 days ahead', async () => {
		const rows = await db.sql<{ minute: number; day: number }[]>`
			select extract(hour from scheduled_at at time zone 'Asia/Shanghai')::int * 60
				+ extract(minute from scheduled_at at time zone 'Asia/Shanghai')::int as minute,
				((scheduled_at at time zone 'Asia/Shanghai')::date - date '2026-11-23')::int as day
			from appointments where store_id = ${storeId}`;
		for (const { minute, day } of rows) {
			expect(minute % 15).toBe(0);
			expect(minute).toBeGreaterThanOrEqual(8 * 60 + 30);
			expect(minute).toBeLessThanOrEqual(17 * 60);
			expect(day).toBeGreaterThanOrEqual(-1);
			expect(day).toBeLessThanOrEqual(6);
		}
		expect(new Set(rows.map((r) => r.day)).size).toBe(8);
	});

	it('creates nothing when run again', async () => {
		const before = await counts();
		expect(await seedDemo(db.sql, { now })).toEqual({ storeId, created: false });
		expect(await counts()).toEqual(before);
	});

	it('is deterministic: another store seeded at the same instant has the same board', async () => {
		const other = await seedDemo(db.sql, { now, slug: 'demo-copy', name: '上海浦东4S店（副本）' });
		expect(other.created).toBe(true);
		const strip = (cs: Card[]) => cs.map(({ id: _id, ...rest }) => rest);
		expect(strip(await boardOf(other.storeId))).toEqual(strip(cards));
	});

	it('moves only the times when seeded at another moment, and keeps today\'s flow in the past', async () => {
		const later = new Date('2026-11-25T08:40:00.000Z'); // Wednesday 16:40 in Shanghai
		const other = await seedDemo(db.sql, { now: later, slug: 'demo-later' });
		const timeless = (cs: Card[]) =>
			cs.map(({ id: _id, dueAt: _d, columnEnteredAt: _e, prepDueAt: _p, stopWork, ...rest }) => ({ ...rest, stop: stopWork?.reason }));
		const board = await boardOf(other.storeId);
		expect(timeless(board)).toEqual(timeless(cards));
		for (const c of board) {
			if (['inBay', 'qc', 'wash', 'handover'].includes(c.column)) {
				expect(Date.parse(c.dueAt)).toBeLessThanOrEqual(later.getTime());
				expect(Date.parse(c.columnEnteredAt)).toBeGreaterThanOrEqual(Date.parse(c.dueAt));
			} else expect(Date.parse(c.dueAt)).toBeGreaterThan(later.getTime());
			expect(Date.parse(c.columnEnteredAt)).toBeLessThanOrEqual(later.getTime());
			if (c.stopWork) expect(Date.parse(c.stopWork.since)).toBeGreaterThanOrEqual(Date.parse(c.columnEnteredAt));
		}
	});
});
