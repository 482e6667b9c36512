import type postgres from 'postgres';
import type { Column } from '$lib/domain/board';
import {
	PREP_COLUMNS,
	defaultPrepRules,
	directorChecklist,
	prepDeadline,
	type CardPrepReview,
	type PartLine,
	type PrepCard,
	type PrepDocument,
	type PrepRules
} from '$lib/domain/overdue';
import type { Sql } from '../db/connect';
import * as bookingRules from '../appointments/rules';

type Db = Sql | postgres.TransactionSql;

/** The store's prep rules: its calendar and usual lead time (store_booking_rules). */
export async function prepRules(sql: Db, store: { id: number; timeZone: string }): Promise<PrepRules> {
	const rules = await bookingRules.read(sql as Sql, store);
	return { ...defaultPrepRules(rules.capacity.calendar), partsLeadDays: rules.reminders.partsLeadDays };
}

/** a parts line as the review can act on it: put into the basket */
export type ReviewPart = PartLine & { id: number; name: string; quantity: number; unitPriceFen: number };

interface PrepRow {
	cardId: number;
	appointmentAt: string;
	column: Column;
	documents: Record<PrepDocument, boolean>;
	parts: ReviewPart[];
	owner: string | null;
}

/** The columns of a card the prep rules read (PrepCard), for `from cards c left join users a`. */
const prepColumns = (sql: Db) => sql`
	c.id::int as "cardId", iso_utc(c.due_at) as "appointmentAt", c.board_column as column,
	json_build_object('workOrder', c.doc_work_order, 'estimate', c.doc_estimate,
		'partsSlip', c.doc_parts_slip) as documents,
	coalesce((select json_agg(json_build_object('id', p.id, 'partNo', p.part_no, 'name', p.name,
		'status', p.status, 'leadDays', p.lead_days, 'eta', p.eta, 'quantity', p.quantity,
		'unitPriceFen', p.unit_price_fen) order by p.id)
		from card_parts p where p.card_id = c.id), '[]'::json) as parts,
	a.display_name as owner`;

/** What the prep rules read of the store's cards still in prep (or only `cardIds`). */
export async function prepCards(sql: Db, storeId: number, cardIds?: number[]): Promise<PrepRow[]> {
	return sql<PrepRow[]>`
		select ${prepColumns(sql)}
		from cards c left join users a on a.id = c.advisor_id
		where c.store_id = ${storeId} and c.archived_at is null
			and c.board_column = any(${PREP_COLUMNS as Column[]}::text[])
			${cardIds ? sql`and c.id = any(${cardIds}::bigint[])` : sql``}
		order by c.id`;
}

/**
 * Recomputes `cards.prep_due_at` of these cards (every screen's overdue badge) inside the writer's
 * transaction, before it reads the card for its event. Cards past prep get null.
 */
export async function refreshPrepDeadlines(
	tx: Db,
	store: { id: number; timeZone: string },
	cardIds: number[],
	now: Date
): Promise<void> {
	if (!cardIds.length) return;
	const [rules, cards] = await Promise.all([prepRules(tx, store), prepCards(tx, store.id, cardIds)]);
	const deadlines = new Map(cards.map((card) => [card.cardId, prepDeadline(card as PrepCard, rules, now)]));
	const rows = cardIds.map((id) => ({ id, due: deadlines.get(id) ?? null }));
	await tx`
		update cards c set prep_due_at = d.due::timestamptz
		from json_to_recordset(${tx.json(rows as never)}::json) as d(id bigint, due text)
		where c.id = d.id and c.prep_due_at is distinct from d.due::timestamptz`;
}

export interface ReviewEntry extends CardPrepReview {
	plate: string;
	customerName: string;
	column: Column;
	appointmentAt: string;
	advisor: string | null;
	version: number;
	escalated: boolean;
	rescheduleProposal: string | null;
	/** what "mark done" changes: the folder's documents, a part into the basket */
	documents: Record<PrepDocument, boolean>;
	parts: ReviewPart[];
}

/**
 * The technical director's morning review of a store at `now`: every card in prep whose prep is
 * overdue or due today, latest first, each with what is missing and who owns it.
 */
export async function readReview(
	sql: Sql,
	store: { id: number; timeZone: string },
	now: Date
): Promise<{ entries: ReviewEntry[]; checked: number }> {
	return sql.begin('isolation level repeatable read read only', async (tx) => {
		const [rules, cards, faces] = await Promise.all([
			prepRules(tx, store),
			prepCards(tx, store.id),
			tx<{ id: number; plate: string; customerName: string; version: number; escalated: boolean; rescheduleProposal: string | null }[]>`
				select id::int, card->>'plate' as plate, card->>'customerName' as "customerName",
					(card->>'version')::int as version, (card->>'escalated')::boolean as escalated,
					card->>'rescheduleProposal' as "rescheduleProposal"
				from board_card_view
				where store_id = ${store.id} and archived_at is null
					and card->>'column' = any(${PREP_COLUMNS as Column[]}::text[])`
		]);
		const face = new Map(faces.map((f) => [f.id, f]));
		const byId = new Map(cards.map((c) => [c.cardId, c]));
		const entries = directorChecklist(cards as PrepCard[], rules, now).map((review) => {
			const card = byId.get(review.cardId)!;
			const { id: _id, ...shown } = face.get(review.cardId)!;
			return {
				...review,
				...shown,
				column: card.column,
				appointmentAt: card.appointmentAt,
				advisor: card.owner,
				documents: card.documents,
				parts: card.parts
			};
		});
		return { entries, checked: cards.length };
	}) as Promise<{ entries: ReviewEntry[]; checked: number }>;
}

/**
 * The prep deadline a card will have in column `to` (a move into or out of prep changes which
 * rules apply: the folder is prep's own). For moveCard, inside its transaction.
 */
export async function deadlineInColumn(
	tx: Db,
	storeId: number,
	cardId: number,
	to: Column,
	now: Date
): Promise<string | null> {
	if (!PREP_COLUMNS.includes(to)) return null;
	const [[store], [card]] = await Promise.all([
		tx<{ id: number; timeZone: string }[]>`
			select id::int, time_zone as "timeZone" from stores where id = ${storeId}`,
		tx<PrepRow[]>`
			select ${prepColumns(tx)}
			from cards c left join users a on a.id = c.advisor_id where c.id = ${cardId}`
	]);
	if (!card) return null;
	const rules = await prepRules(tx, store);
	return prepDeadline({ ...card, column: to } as PrepCard, rules, now);
}
