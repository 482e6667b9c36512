import type { BoardCard } from '$lib/domain/board';
import {
	estimate,
	labourFen,
	type CardDetail,
	type CardHistoryEntry,
	type JobItem,
	type PartLineDetail,
	type QcRecord
} from '$lib/domain/card';
import type { Sql } from '../db/connect';

/** history rows a card page shows, newest first */
const HISTORY_LIMIT = 200;

interface Head {
	card: BoardCard;
	labourRateFen: number;
	customer: CardDetail['customer'];
	vehicle: CardDetail['vehicle'];
	appointment: CardDetail['appointment'];
	assignment: CardDetail['assignment'];
	documents: CardDetail['documents'];
	qc: CardDetail['qc'];
	handover: CardDetail['handover'];
}

interface AuditRow {
	at: string;
	actor: string;
	action: string;
	detail: Record<string, unknown>;
}

/**
 * Everything the card page shows of one card on the store's board, read from one snapshot
 * (repeatable read), so the estimate, the lines and the version agree. Null: no such card here.
 */
export async function readCardDetail(
	sql: Sql,
	storeId: number,
	cardId: number
): Promise<CardDetail | null> {
	return sql.begin('isolation level repeatable read read only', async (tx) => {
		const [[head], items, parts, qcHistory, audit, technicians, advisors, bays] = await Promise.all([
			tx<Head[]>`
				select v.card, s.labour_rate_fen as "labourRateFen",
					json_build_object('id', cu.id, 'name', cu.name, 'surname', cu.surname, 'title', cu.title,
						'phone', cu.phone) as customer,
					json_build_object('id', ve.id, 'plate', ve.plate, 'model', ve.model, 'vin', ve.vin,
						'mileageKm', ve.mileage_km, 'registeredOn', ve.registered_on) as vehicle,
					case when a.id is null then null else json_build_object('id', a.id,
						'scheduledAt', iso_utc(a.scheduled_at), 'channel', a.channel, 'status', a.status) end
						as appointment,
					json_build_object('team', c.team, 'technicianId', c.technician_id, 'bayId', c.bay_id,
						'advisorId', c.advisor_id) as assignment,
					json_build_object('workOrder', c.doc_work_order, 'estimate', c.doc_estimate,
						'partsSlip', c.doc_parts_slip) as documents,
					json_build_object('self', c.qc_self, 'lead', c.qc_lead, 'final', c.qc_final) as qc,
					json_build_object('checks', to_json(c.handover_checks), 'nextServiceOn', c.next_service_on,
						'nextServiceKm', c.next_service_km, 'handedOverAt', iso_utc(c.handed_over_at)) as handover
				from cards c
				join board_card_view v on v.id = c.id
				join stores s on s.id = c.store_id
				join customers cu on cu.id = c.customer_id
				join vehicles ve on ve.id = c.vehicle_id
				left join appointments a on a.id = c.appointment_id
				where c.id = ${cardId} and c.store_id = ${storeId} and c.archived_at is null`,
			tx<Omit<JobItem, 'labourFen'>[]>`
				select id::int, description, labour_minutes as "labourMinutes", extra, authorisation,
					authorised_label as "authorisedBy", authorised_via as "authorisedVia",
					iso_utc(authorised_at) as "authorisedAt"
				from card_job_items where card_id = ${cardId} and store_id = ${storeId}
				order by id`,
			tx<Omit<PartLineDetail, 'amountFen'>[]>`
				select id::int, part_no as "partNo", name, quantity, unit_price_fen as "unitPriceFen", status,
					eta::text as eta, lead_days as "leadDays"
				from card_parts where card_id = ${cardId} and store_id = ${storeId}
				order by id`,
			tx<QcRecord[]>`
				select stage, passed, reason, actor_label as actor, iso_utc(at) as at
				from qc_checks where card_id = ${cardId} and store_id = ${storeId}
				order by at desc, id desc`,
			tx<AuditRow[]>`
				select iso_utc(at) as at, actor_label as actor, action, detail
				from audit_log where card_id = ${cardId} and store_id = ${storeId}
				order by id desc limit ${HISTORY_LIMIT}`,
			tx<{ id: number; name: string; team: string | null }[]>`
				select u.id::int, u.display_name as name, r.team
				from store_roles r join users u on u.id = r.user_id
				where r.store_id = ${storeId} and r.role = 'technician'
				order by r.team nulls last, u.display_name`,
			tx<{ id: number; name: string }[]>`
				select u.id::int, u.display_name as name
				from store_roles r join users u on u.id = r.user_id
				where r.store_id = ${storeId} and r.role = 'advisor'
				order by u.display_name`,
			tx<{ id: number; name: string }[]>`
				select id::int, name from bays where store_id = ${storeId} order by name`
		]);
		if (!head) return null;
		const rate = head.labourRateFen;
		const jobItems = items.map((item) => ({ ...item, labourFen: labourFen(item.labourMinutes, rate) }));
		const lines = parts.map((line) => ({ ...line, amountFen: line.quantity * line.unitPriceFen }));
		return {
			...head,
			items: jobItems,
			parts: lines,
			estimate: estimate(jobItems, lines, rate),
			qcHistory,
			history: audit.map(historyEntry),
			options: { technicians, advisors, bays }
		};
	}) as Promise<CardDetail | null>;
}

/** An audit row of the card as the history shows it: what changed, field by field. */
function historyEntry(row: AuditRow): CardHistoryEntry {
	const detail = row.detail ?? {};
	const base = { at: row.at, actor: row.actor, action: row.action };
	if (row.action === 'card.move') {
		return {
			...base,
			kind: null,
			changes: { column: [detail.from, detail.to] },
			note: detail.rework ? 'rework' : null
		};
	}
	if (row.action === 'card.edit' || row.action === 'card.handover') {
		return {
			...base,
			kind: typeof detail.kind === 'string' ? detail.kind : null,
			changes: (detail.changes as CardHistoryEntry['changes']) ?? {},
			note: typeof detail.note === 'string' ? detail.note : null
		};
	}
	// card.create, appointment changes, and what later writers record: their own detail
	const { kind, changes, note } = detail as Partial<CardHistoryEntry>;
	return {
		...base,
		kind: typeof kind === 'string' ? kind : null,
		changes: changes ?? {},
		note: typeof note === 'string' ? note : null
	};
}
