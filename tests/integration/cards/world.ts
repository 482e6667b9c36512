/**
 * The world of the card tests (issue #5): a store with its labour rate and time zone, one user per
 * role (two technicians, so that a team lead can check a colleague's work) with real sessions, a
 * paired wall display, bays, stocked parts, and cards made to order (each with its own customer,
 * vehicle and, when asked, appointment). A second store, for "another store's card". Store ids are
 * random and large because every test run shares one Redis (rooms are named by store id).
 */
import { randomInt } from 'node:crypto';
import { expect } from 'vitest';
import type { BoardCard, Column } from '../../../src/lib/domain/board';
import type { CardEdit } from '../../../src/lib/domain/card';
import type { Role } from '../../../src/lib/domain/permissions';
import type { Ack, BoardEvent, EditResult } from '../../../src/lib/realtime/contract';
import type { Sql } from '../../../src/lib/server/db/connect';
import { parseEditCommand } from '../../../src/lib/domain/cardInput';
import { editCard, type EditActor } from '../../../src/lib/server/cards/edit';
import { moveCard } from '../../../src/lib/server/board/move';
import { addDisplay, addUser, signedIn } from '../helpers/authWorld';
import { invariantViolations } from '../helpers/boardFixture';

export const CARD_ROLES = ['advisor', 'director', 'technician', 'lead', 'parts', 'service', 'storeAdmin'] as const;
export type CardRole = (typeof CARD_ROLES)[number];

export interface CardUser {
	userId: number;
	label: string;
	cookie: string;
	roles: Role[];
}

export interface CardStore {
	id: number;
	slug: string;
	timeZone: string;
	labourRateFen: number;
	users: Record<CardRole, CardUser>;
	display: { cookie: string };
	bayIds: number[];
	/** stocked parts: part_no → on hand at the start */
	stock: Record<string, number>;
}

const unique = () => randomInt(1_000_000, 2_000_000_000);
let plates = 0;

export async function addCardStore(
	sql: Sql,
	options: { label?: string; timeZone?: string; labourRateFen?: number } = {}
): Promise<CardStore> {
	const id = unique();
	const slug = `${options.label ?? 'cards'}-${id}`;
	const timeZone = options.timeZone ?? 'Asia/Shanghai';
	const labourRateFen = options.labourRateFen ?? 36_500;
	const [group] = await sql<{ id: number }[]>`
		insert into dealer_groups (name) values (${'集团 ' + slug}) returning id::int`;
	await sql`
		insert into stores (id, group_id, slug, name, time_zone, labour_rate_fen)
		overriding system value
		values (${id}, ${group.id}, ${slug}, ${'测试店 ' + slug}, ${timeZone}, ${labourRateFen})`;
	const users = {} as Record<CardRole, CardUser>;
	for (const who of CARD_ROLES) {
		const role = who === 'lead' ? 'technician' : who;
		const username = `${who}-${slug}`;
		const userId = await addUser(sql, username);
		await sql`
			insert into store_roles (user_id, store_id, role, team)
			values (${userId}, ${id}, ${role}, ${role === 'technician' ? '机电一组' : null})`;
		const session = await signedIn(sql, userId);
		users[who] = { userId, label: username, cookie: session.cookie, roles: [role] };
	}
	const display = await addDisplay(sql, id, users.storeAdmin.userId);
	const bays = await sql<{ id: number }[]>`
		insert into bays (store_id, name) values (${id}, '1号工位'), (${id}, '2号工位') returning id::int`;
	const stock = { 'BP-0001': 4, 'OIL-5W30': 10 };
	for (const [partNo, onHand] of Object.entries(stock)) {
		await sql`
			insert into parts (store_id, part_no, name, on_hand, lead_days)
			values (${id}, ${partNo}, ${partNo}, ${onHand}, 3)`;
	}
	return { id, slug, timeZone, labourRateFen, users, display: { cookie: display.cookie }, bayIds: bays.map((b) => b.id), stock };
}

export interface CardSpec {
	column?: Column;
	/** with an appointment (else a walk-in) */
	appointment?: boolean;
	washDeclined?: boolean;
}

/** One card with its own customer and vehicle (unique plate); its id. */
export async function addCard(sql: Sql, store: CardStore, spec: CardSpec = {}): Promise<number> {
	const n = ++plates;
	const plate = `沪A·${String(10000 + ((store.id + n) % 90000)).padStart(5, '0')}`;
	return sql.begin(async (tx) => {
		const [customer] = await tx<{ id: number }[]>`
			insert into customers (store_id, name, surname, title, phone)
			values (${store.id}, ${'王' + n}, '王', '先生', ${'1380000' + String(n % 10000).padStart(4, '0')})
			returning id::int`;
		const [vehicle] = await tx<{ id: number }[]>`
			insert into vehicles (store_id, customer_id, plate, model, mileage_km)
			values (${store.id}, ${customer.id}, ${plate}, '朗逸', 32000) returning id::int`;
		let appointmentId: number | null = null;
		if (spec.appointment) {
			const [appointment] = await tx<{ id: number }[]>`
				insert into appointments (store_id, customer_id, vehicle_id, scheduled_at, channel, status, job_summary)
				values (${store.id}, ${customer.id}, ${vehicle.id}, now(), 'phone', 'arrived', '保养')
				returning id::int`;
			appointmentId = appointment.id;
		}
		const [card] = await tx<{ id: number }[]>`
			insert into cards (store_id, customer_id, vehicle_id, appointment_id, board_column, due_at, job_summary,
				wash_declined, qc_self, qc_lead, qc_final)
			values (${store.id}, ${customer.id}, ${vehicle.id}, ${appointmentId}, ${spec.column ?? 'prep'}, now(),
				'更换前刹车片', ${spec.washDeclined ?? false},
				${passedQc(spec.column)}, ${passedQc(spec.column)}, ${passedQc(spec.column)})
			returning id::int`;
		return card.id;
	});
}

/** a card past QC passed its checks (as migration 00004 leaves them) */
const passedQc = (column?: Column) => column === 'wash' || column === 'handover';

export const actorOf = (user: CardUser, source = 'test cards'): EditActor => ({
	userId: user.userId,
	label: user.label,
	source,
	roles: user.roles
});

let keys = 0;
export const newKey = (tag = 'edit') => `${tag}-${++keys}-${Date.now()}`;

/** The card as screens see it, straight from the database. */
export async function viewCard(sql: Sql, cardId: number): Promise<BoardCard> {
	const [row] = await sql<{ card: BoardCard }[]>`select card from board_card_view where id = ${cardId}`;
	return row.card;
}

/**
 * An edit at the card's current version, as its screen would send it and the API takes it: parsed
 * (and normalised: plates, part numbers) by the edit schema first, then applied.
 */
export async function edit(
	sql: Sql,
	store: CardStore,
	cardId: number,
	change: CardEdit,
	user: CardUser,
	key = newKey()
): Promise<Ack<EditResult>> {
	const { version } = await viewCard(sql, cardId);
	const parsed = parseEditCommand({ expectedVersion: version, idempotencyKey: key, edit: change });
	if (!parsed.ok) return { ok: false, error: parsed.error };
	return editCard(sql, store.id, cardId, parsed.data, actorOf(user));
}

/** An edit that must succeed: its event. */
export async function edited(sql: Sql, store: CardStore, cardId: number, change: CardEdit, user: CardUser) {
	const ack = await edit(sql, store, cardId, change, user);
	expect(ack, JSON.stringify(ack)).toMatchObject({ ok: true });
	return (ack as Extract<Ack<EditResult>, { ok: true }>).data.event;
}

/** A move at the card's current version. */
export async function moveTo(sql: Sql, store: CardStore, cardId: number, to: Column, user: CardUser) {
	const { version } = await viewCard(sql, cardId);
	return moveCard(sql, store.id, { cardId, to, expectedVersion: version, idempotencyKey: newKey('move') }, actorOf(user));
}

/** Counts of every table a card change writes (refusals' own audit rows have no seq). */
export async function cardWrites(sql: Sql, storeId: number) {
	const [row] = await sql<Record<string, number>[]>`
		select
			(select count(*)::int from board_events where store_id = ${storeId}) as events,
			(select count(*)::int from audit_log where store_id = ${storeId} and seq is not null) as audits,
			(select count(*)::int from command_results where store_id = ${storeId}) as results,
			(select coalesce(sum(version), 0)::int from cards where store_id = ${storeId}) as versions,
			(select coalesce(last_seq, 0)::int from store_sequences where store_id = ${storeId}) as lastSeq,
			(select count(*)::int from card_job_items where store_id = ${storeId}) as items,
			(select count(*)::int from card_parts where store_id = ${storeId}) as parts,
			(select count(*)::int from qc_checks where store_id = ${storeId}) as qcChecks,
			(select coalesce(sum(on_hand), 0)::int from parts where store_id = ${storeId}) as onHand,
			(select md5(string_agg(v.plate || coalesce(v.vin, '') || v.mileage_km || cu.name || cu.phone, ',' order by v.id))
				from vehicles v join customers cu on cu.id = v.customer_id where v.store_id = ${storeId}) as people`;
	return row;
}

/**
 * What the card tables must say whatever happened, per store: derived flags equal what they are
 * derived from; a pending extra item keeps the card stopped. Violations as words.
 */
export async function cardViolations(sql: Sql, storeId: number): Promise<string[]> {
	const rows = await sql<{ id: number; problem: string }[]>`
		select c.id::int, 'parts_waiting ' || c.parts_waiting || ' but lines say ' || coalesce(w.waiting, false) as problem
		from cards c
		left join lateral (select bool_or(status in ('toOrder', 'ordered')) as waiting
			from card_parts p where p.card_id = c.id) w on true
		where c.store_id = ${storeId} and c.parts_waiting <> coalesce(w.waiting, false)
		union all
		select c.id::int, 'authorisation_pending ' || c.authorisation_pending || ' but items say ' || coalesce(i.pending, false)
		from cards c
		left join lateral (select bool_or(authorisation = 'pending') as pending
			from card_job_items j where j.card_id = c.id) i on true
		where c.store_id = ${storeId} and c.authorisation_pending <> coalesce(i.pending, false)
		union all
		select c.id::int, 'an extra item waits for the customer but work is not stopped'
		from cards c
		where c.store_id = ${storeId} and c.authorisation_pending and c.stop_work_reason is null
		union all
		select c.id::int, 'version ' || c.version || ' but ' || count(e.seq) || ' events'
		from cards c left join board_events e on e.card_id = c.id and e.type <> 'card:created'
		where c.store_id = ${storeId}
		group by c.id having c.version <> 1 + count(e.seq)`;
	return rows.map((r) => `card ${r.id}: ${r.problem}`);
}

/** Every board invariant (sequences, audit rows, idempotency records, each card's event chain). */
export const boardViolations = (sql: Sql): Promise<string[]> => invariantViolations(sql);

export type { BoardEvent };
