import type postgres from 'postgres';
import type { BoardCard, Column, StopWorkReason } from '$lib/domain/board';
import { addDays } from '$lib/domain/calendar';
import {
	EDIT_SECTIONS,
	FOLLOW_UP_DAYS,
	NO_QC,
	authorisationPending,
	handoverMissing,
	partsWaiting,
	qcCheck,
	stopWorkAfterItems,
	type Authorisation,
	type CardEdit,
	type EditRefusal,
	type HandoverCheck,
	type PartStatus,
	type QcState
} from '$lib/domain/card';
import { canEdit, type Role } from '$lib/domain/permissions';
import type {
	Ack,
	CardArchivedEvent,
	CardUpdatedEvent,
	CommandError,
	EditCommand,
	EditResult
} from '$lib/realtime/contract';
import { PREP_COLUMNS } from '$lib/domain/overdue';
import type { Sql } from '../db/connect';
import { refreshPrepDeadlines } from './prep';
import { appendEvent } from '../board/append';
import type { Actor } from '../board/move';

export interface EditActor extends Actor {
	roles: readonly Role[];
}

type Tx = postgres.TransactionSql;

/** The card's own row, as the rules read it. */
interface CardRow {
	id: number;
	column: Column;
	version: number;
	vehicleId: number;
	customerId: number;
	appointmentId: number | null;
	stopWorkReason: StopWorkReason | null;
	qc: QcState;
	qcSelfBy: number | null;
	handoverChecks: HandoverCheck[];
	nextServiceOn: string | null;
	nextServiceKm: number | null;
	timeZone: string;
	today: string;
	/** the transaction's now() */
	now: Date;
}

/** What one edit did: the card's own columns to set, and the words for its history. */
interface Applied {
	changes: Record<string, [unknown, unknown]>;
	note?: string | null;
	/** cards columns to set (snake_case) besides version and updated_at */
	set?: Record<string, unknown>;
	/** the part or item lists changed: recompute what the card derives from them */
	partsChanged?: boolean;
	itemsChanged?: boolean;
	/** a failed QC check: back to "in bay" */
	rework?: boolean;
	/** the handover completed: the card leaves the board */
	archive?: boolean;
}

class Refused extends Error {
	constructor(readonly error: CommandError) {
		super(error.message);
	}
}

const refuse = (editReason: EditRefusal, message: string) =>
	new Refused({ code: 'editRefused', editReason, message });

/**
 * statuses in which a part is held for this car, outside the free shelf count `parts.on_hand`:
 * reserved or picked from the shelf, or arrived from the supplier for this car
 */
const HELD: readonly PartStatus[] = ['reserved', 'picked', 'arrived'];

/**
 * Changes a card (anything but its column; a failed QC check excepted, which sends it back to
 * "in bay"). One transaction holds the permission and version checks, the change, the derived
 * flags (parts waiting, authorisation pending and its stop-work), the card's new version, the
 * event with the store's next sequence number (the snapshot cache relies on it), the audit row
 * that is the card's history, and the idempotency record. Acked after COMMIT.
 */
export async function editCard(
	sql: Sql,
	storeId: number,
	cardId: number,
	command: EditCommand,
	actor: EditActor
): Promise<Ack<EditResult>> {
	const { edit } = command;
	const section = EDIT_SECTIONS[edit.kind];
	const stage = edit.kind === 'qcCheck' ? edit.stage : undefined;
	const allowed =
		canEdit(actor.roles, section, stage) &&
		// a technician's own items are the extra ones found in the bay
		!(
			section === 'job' &&
			!canEditJobFully(actor.roles) &&
			!(edit.kind === 'addItem' && edit.extra)
		);
	if (!allowed) {
		return {
			ok: false,
			error: { code: 'forbidden', message: `${actor.label} may not make a ${edit.kind} edit` }
		};
	}
	try {
		return await sql.begin(async (tx) => {
			const shared = SHARED_ROWS[edit.kind as keyof typeof SHARED_ROWS];
			const [, [done], , [row]] = await Promise.all([
				tx`select pg_advisory_xact_lock(hashtextextended(${command.idempotencyKey}, ${storeId}))`,
				tx<{ result: EditResult['event'] }[]>`
					select result from command_results
					where store_id = ${storeId} and idempotency_key = ${command.idempotencyKey}`,
				// a vehicle or customer edit changes every open card of that car or person: they are
				// locked first, all in id order, so two such edits (or one and a move) never deadlock
				shared
					? tx`
						select c.id from cards c
						where c.store_id = ${storeId} and c.archived_at is null
							and c.${tx(shared)} = (select ${tx(shared)} from cards where id = ${cardId})
						order by c.id for update`
					: tx`select`,
				tx<CardRow[]>`
					select c.id::int, c.board_column as column, c.version, c.vehicle_id::int as "vehicleId",
						c.customer_id::int as "customerId", c.appointment_id::int as "appointmentId",
						c.stop_work_reason as "stopWorkReason",
						json_build_object('self', c.qc_self, 'lead', c.qc_lead, 'final', c.qc_final) as qc,
						c.qc_self_by::int as "qcSelfBy", c.handover_checks as "handoverChecks",
						c.next_service_on::text as "nextServiceOn", c.next_service_km as "nextServiceKm",
						s.time_zone as "timeZone",
						(now() at time zone s.time_zone)::date::text as today, now() as now
					from cards c join stores s on s.id = c.store_id
					where c.id = ${cardId} and c.store_id = ${storeId} and c.archived_at is null
					for update of c`
			]);
			if (done) return replay(done.result, cardId, edit);
			if (!row) throw new Refused({ code: 'cardNotFound', message: `card ${cardId} is not on this board` });
			if (row.version !== command.expectedVersion) {
				const [{ card }] = await tx<{ card: BoardCard }[]>`
					select card from board_card_view where id = ${cardId}`;
				throw new Refused({
					code: 'versionConflict',
					message: `card ${cardId} is at version ${row.version}, not ${command.expectedVersion}: someone changed it first`,
					card
				});
			}

			const applied = await apply(tx, storeId, row, edit, actor);
			const version = row.version + 1;
			const set: Record<string, unknown> = { ...applied.set, version, updated_at: row.now };
			if (applied.partsChanged) {
				const lines = await tx<{ status: PartStatus }[]>`
					select status from card_parts where card_id = ${cardId}`;
				set.parts_waiting = partsWaiting(lines);
			}
			if (applied.itemsChanged) {
				const items = await tx<{ authorisation: Authorisation }[]>`
					select authorisation from card_job_items where card_id = ${cardId}`;
				const pending = authorisationPending(items);
				set.authorisation_pending = pending;
				const reason = stopWorkAfterItems(row.stopWorkReason, pending);
				if (reason !== row.stopWorkReason) {
					set.stop_work_reason = reason;
					applied.changes.stopWork = [row.stopWorkReason, reason];
				}
			}
			if ('stop_work_reason' in set) {
				set.stop_work_since = set.stop_work_reason === null ? null : row.now;
			}
			if (applied.rework) Object.assign(set, { board_column: 'inBay', column_entered_at: row.now });
			if (applied.archive) Object.assign(set, { archived_at: row.now, handed_over_at: row.now });
			await tx`
				update cards set ${tx(set as never)}
					${applied.rework ? tx`, rework_count = rework_count + 1` : tx``}
				where id = ${cardId}`;
			// after the update: the deadline reads the card's documents and parts as they are now
			if (PREP_INPUTS.includes(edit.kind)) {
				await refreshPrepDeadlines(tx, { id: storeId, timeZone: row.timeZone }, [cardId], row.now);
			}

			const [{ card, now }] = await tx<{ card: BoardCard; now: string }[]>`
				select card, iso_utc(now()) as now from board_card_view where id = ${cardId}`;
			const base = { card, at: now, actor: actor.label };
			const event: Omit<CardUpdatedEvent, 'seq'> | Omit<CardArchivedEvent, 'seq'> = applied.archive
				? { type: 'card:archived', ...base, reason: 'handedOver' }
				: { type: 'card:updated', ...base, kind: edit.kind, ...(applied.rework ? { from: 'qc' as const } : {}) };
			const audit = { kind: edit.kind, version, changes: applied.changes, note: applied.note ?? null };
			const seq = await appendEvent(tx, storeId, cardId, event, {
				action: applied.archive ? 'card.handover' : 'card.edit',
				audit,
				actor,
				idempotency: { key: command.idempotencyKey, result: event }
			});

			// the other open cards of this car or person show the new plate or name too: each its
			// own version and event (the history says which card's edit it came from)
			const also: CardUpdatedEvent[] = [];
			if (shared && Object.keys(applied.changes).length > 0) {
				const bumped = await tx<{ id: number }[]>`
					update cards set version = version + 1, updated_at = now()
					where store_id = ${storeId} and archived_at is null and id <> ${cardId}
						and ${tx(shared)} = (select ${tx(shared)} from cards where id = ${cardId})
					returning id::int`;
				// a new statement: it sees the versions just written (a CTE's reader would not)
				const others = bumped.length
					? await tx<{ card: BoardCard }[]>`
						select card from board_card_view where id = any(${bumped.map((b) => b.id)}::bigint[])
						order by id`
					: [];
				for (const { card: other } of others) {
					const sibling: Omit<CardUpdatedEvent, 'seq'> = { ...base, card: other, type: 'card:updated', kind: edit.kind };
					const otherSeq = await appendEvent(tx, storeId, other.id, sibling, {
						action: 'card.edit',
						// `via`: a change that came with another card's edit (that edit holds the idempotency record)
						audit: { ...audit, version: other.version, via: cardId },
						actor
					});
					also.push({ seq: otherSeq, ...sibling });
				}
			}
			return {
				ok: true as const,
				data: {
					event: { seq, ...event } as EditResult['event'],
					replayed: false,
					...(also.length ? { also } : {})
				}
			};
		});
	} catch (error) {
		if (error instanceof Refused) return { ok: false, error: error.error };
		if (isUniqueViolation(error, 'vehicles_store_id_plate_key')) {
			return {
				ok: false,
				error: {
					code: 'editRefused',
					editReason: 'plateTaken',
					message: 'another vehicle of this store already has this plate'
				}
			};
		}
		if (isUniqueViolation(error, 'command_results_pkey')) {
			const [done] = await sql<{ result: EditResult['event'] }[]>`
				select result from command_results
				where store_id = ${storeId} and idempotency_key = ${command.idempotencyKey}`;
			if (done) return replay(done.result, cardId, edit);
		}
		throw error;
	}
}

/** the edits that change a row other open cards share, by the column they share it through */
const SHARED_ROWS = { vehicle: 'vehicle_id', customer: 'customer_id' } as const;

const canEditJobFully = (roles: readonly Role[]) =>
	roles.some((role) => role === 'advisor' || role === 'director');

function replay(event: EditResult['event'], cardId: number, edit: CardEdit): Ack<EditResult> {
	const kind = event.type === 'card:archived' ? 'completeHandover' : event.kind;
	if (event.card.id !== cardId || kind !== edit.kind) {
		return {
			ok: false,
			error: { code: 'invalidInput', message: 'idempotencyKey was already used for another command' }
		};
	}
	return { ok: true, data: { event, replayed: true } };
}

function isUniqueViolation(error: unknown, constraint: string): boolean {
	const e = error as { code?: string; constraint_name?: string };
	return e?.code === '23505' && e.constraint_name === constraint;
}

/** Applies one edit inside the transaction; throws Refused when a rule says no. */
async function apply(
	tx: Tx,
	storeId: number,
	card: CardRow,
	edit: CardEdit,
	actor: EditActor
): Promise<Applied> {
	switch (edit.kind) {
		case 'vehicle': {
			const [before] = await tx<{ plate: string; model: string; vin: string | null; mileageKm: number }[]>`
				select plate, model, vin, mileage_km as "mileageKm" from vehicles where id = ${card.vehicleId}`;
			await tx`
				update vehicles set plate = ${edit.plate}, model = ${edit.model}, vin = ${edit.vin},
					mileage_km = ${edit.mileageKm}
				where id = ${card.vehicleId}`;
			return { changes: diff(before, { plate: edit.plate, model: edit.model, vin: edit.vin, mileageKm: edit.mileageKm }) };
		}
		case 'customer': {
			const [before] = await tx<{ name: string; surname: string; title: string; phone: string }[]>`
				select name, surname, title, phone from customers where id = ${card.customerId}`;
			await tx`
				update customers set name = ${edit.name}, surname = ${edit.surname}, title = ${edit.title},
					phone = ${edit.phone}
				where id = ${card.customerId}`;
			const { kind: _kind, ...after } = edit;
			return { changes: diff(before, after) };
		}
		case 'flags': {
			const [before] = await tx<Record<string, boolean>[]>`
				select safety, comeback, complaint, customer_waits as "customerWaits",
					wash_declined as "washDeclined"
				from cards where id = ${card.id}`;
			const { kind: _kind, ...after } = edit;
			return {
				changes: diff(before, after),
				set: {
					safety: edit.safety,
					comeback: edit.comeback,
					complaint: edit.complaint,
					customer_waits: edit.customerWaits,
					wash_declined: edit.washDeclined
				}
			};
		}
		case 'assign': {
			const [check] = await tx<{ tech: boolean; advisor: boolean; bay: boolean }[]>`
				select
					${edit.technicianId}::bigint is null or exists (select 1 from store_roles
						where store_id = ${storeId} and user_id = ${edit.technicianId} and role = 'technician') as tech,
					${edit.advisorId}::bigint is null or exists (select 1 from store_roles
						where store_id = ${storeId} and user_id = ${edit.advisorId} and role = 'advisor') as advisor,
					${edit.bayId}::bigint is null or exists (select 1 from bays
						where store_id = ${storeId} and id = ${edit.bayId}) as bay`;
			if (!check.tech) throw refuse('unknownTechnician', `user ${edit.technicianId} is not a technician of this store`);
			if (!check.advisor) throw refuse('unknownAdvisor', `user ${edit.advisorId} is not an advisor of this store`);
			if (!check.bay) throw refuse('unknownBay', `bay ${edit.bayId} is not a bay of this store`);
			const [before] = await tx<Record<string, unknown>[]>`
				select c.team, t.display_name as technician, b.name as bay, a.display_name as advisor
				from cards c left join users t on t.id = c.technician_id
				left join bays b on b.id = c.bay_id left join users a on a.id = c.advisor_id
				where c.id = ${card.id}`;
			const [after] = await tx<Record<string, unknown>[]>`
				select ${edit.team}::text as team,
					(select display_name from users where id = ${edit.technicianId}) as technician,
					(select name from bays where id = ${edit.bayId}) as bay,
					(select display_name from users where id = ${edit.advisorId}) as advisor`;
			return {
				changes: diff(before, after),
				set: {
					team: edit.team,
					technician_id: edit.technicianId,
					bay_id: edit.bayId,
					advisor_id: edit.advisorId
				}
			};
		}
		case 'addItem': {
			const authorisation: Authorisation = edit.extra ? 'pending' : 'notNeeded';
			await tx`
				insert into card_job_items (card_id, store_id, description, labour_minutes, extra, authorisation)
				values (${card.id}, ${storeId}, ${edit.description}, ${edit.labourMinutes}, ${edit.extra}, ${authorisation})`;
			return {
				changes: { item: [null, `${edit.description} (${edit.labourMinutes} min)`] },
				note: edit.extra ? 'extra' : null,
				itemsChanged: true
			};
		}
		case 'updateItem':
		case 'removeItem': {
			const [item] = await tx<{ description: string; labourMinutes: number; authorisation: Authorisation }[]>`
				select description, labour_minutes as "labourMinutes", authorisation from card_job_items
				where id = ${edit.itemId} and card_id = ${card.id} for update`;
			if (!item) throw refuse('itemNotFound', `item ${edit.itemId} is not on card ${card.id}`);
			// the customer said yes (or no) to this price: a change needs a new extra item
			if (item.authorisation === 'approved' || item.authorisation === 'declined') {
				throw refuse('authorisedItem', `item ${edit.itemId} was ${item.authorisation} by the customer`);
			}
			const was = `${item.description} (${item.labourMinutes} min)`;
			if (edit.kind === 'removeItem') {
				await tx`delete from card_job_items where id = ${edit.itemId}`;
				return { changes: { item: [was, null] }, itemsChanged: true };
			}
			await tx`
				update card_job_items set description = ${edit.description}, labour_minutes = ${edit.labourMinutes}
				where id = ${edit.itemId}`;
			return { changes: { item: [was, `${edit.description} (${edit.labourMinutes} min)`] } };
		}
		case 'authorise': {
			const [item] = await tx<{ description: string; authorisation: Authorisation }[]>`
				select description, authorisation from card_job_items
				where id = ${edit.itemId} and card_id = ${card.id} for update`;
			if (!item) throw refuse('itemNotFound', `item ${edit.itemId} is not on card ${card.id}`);
			if (item.authorisation !== 'pending') {
				throw refuse('notPending', `item ${edit.itemId} is not waiting for the customer (${item.authorisation})`);
			}
			await tx`
				update card_job_items set authorisation = ${edit.decision}, authorised_by = ${actor.userId},
					authorised_label = ${actor.label}, authorised_via = ${edit.via}, authorised_at = now()
				where id = ${edit.itemId}`;
			return {
				changes: { authorisation: ['pending', edit.decision] },
				note: `${item.description} · ${edit.via}`,
				itemsChanged: true
			};
		}
		case 'addPart': {
			await hold(tx, storeId, edit.partNo, null, edit.status, 0, edit.quantity);
			const [part] = await tx<{ leadDays: number }[]>`
				select lead_days as "leadDays" from parts where store_id = ${storeId} and part_no = ${edit.partNo}`;
			await tx`
				insert into card_parts (card_id, store_id, part_no, name, quantity, unit_price_fen, status, eta, lead_days)
				values (${card.id}, ${storeId}, ${edit.partNo}, ${edit.name}, ${edit.quantity}, ${edit.unitPriceFen},
					${edit.status}, ${edit.eta}, ${part?.leadDays ?? 5})`;
			return {
				changes: { part: [null, `${edit.partNo} ×${edit.quantity} ${edit.status}`] },
				note: edit.name || null,
				partsChanged: true
			};
		}
		case 'updatePart':
		case 'removePart': {
			const [line] = await tx<{ partNo: string; name: string; quantity: number; unitPriceFen: number; status: PartStatus; eta: string | null }[]>`
				select part_no as "partNo", name, quantity, unit_price_fen as "unitPriceFen", status, eta::text as eta
				from card_parts where id = ${edit.partId} and card_id = ${card.id} for update`;
			if (!line) throw refuse('partNotFound', `part line ${edit.partId} is not on card ${card.id}`);
			const was = `${line.partNo} ×${line.quantity} ${line.status}`;
			if (edit.kind === 'removePart') {
				await hold(tx, storeId, line.partNo, line.status, 'toOrder', line.quantity, 0);
				await tx`delete from card_parts where id = ${edit.partId}`;
				return { changes: { part: [was, null] }, note: line.name || null, partsChanged: true };
			}
			await hold(tx, storeId, line.partNo, line.status, edit.status, line.quantity, edit.quantity);
			await tx`
				update card_parts set quantity = ${edit.quantity}, unit_price_fen = ${edit.unitPriceFen},
					status = ${edit.status}, eta = ${edit.eta}
				where id = ${edit.partId}`;
			const changes = diff(
				{ quantity: line.quantity, unitPriceFen: line.unitPriceFen, status: line.status, eta: line.eta },
				{ quantity: edit.quantity, unitPriceFen: edit.unitPriceFen, status: edit.status, eta: edit.eta }
			);
			return { changes, note: `${line.partNo}${line.name ? ' ' + line.name : ''}`, partsChanged: true };
		}
		case 'documents': {
			const [before] = await tx<Record<string, boolean>[]>`
				select doc_work_order as "workOrder", doc_estimate as estimate, doc_parts_slip as "partsSlip"
				from cards where id = ${card.id}`;
			return {
				changes: diff(before, edit.documents),
				set: {
					doc_work_order: edit.documents.workOrder,
					doc_estimate: edit.documents.estimate,
					doc_parts_slip: edit.documents.partsSlip
				}
			};
		}
		case 'stopWork': {
			if (edit.reason === card.stopWorkReason) return { changes: {} };
			if (edit.reason === null || (card.stopWorkReason === 'authorisation' && edit.reason !== 'authorisation')) {
				const [pending] = await tx`
					select 1 from card_job_items where card_id = ${card.id} and authorisation = 'pending' limit 1`;
				if (pending) {
					throw refuse('stopWorkPending', 'an extra item still waits for the customer: record their decision first');
				}
			}
			return {
				changes: { stopWork: [card.stopWorkReason, edit.reason] },
				set: { stop_work_reason: edit.reason }
			};
		}
		case 'qcCheck': {
			const outcome = qcCheck(
				{ column: card.column, qc: card.qc, selfBy: card.qcSelfBy },
				{ stage: edit.stage, passed: edit.passed, reason: edit.reason, by: actor.userId }
			);
			if (!outcome.ok) throw refuse(outcome.reason, `QC ${edit.stage} refused: ${outcome.reason}`);
			await tx`
				insert into qc_checks (card_id, store_id, stage, passed, reason, actor_user_id, actor_label)
				values (${card.id}, ${storeId}, ${edit.stage}, ${edit.passed}, ${edit.reason}, ${actor.userId}, ${actor.label})`;
			return {
				changes: { [`qc.${edit.stage}`]: [card.qc[edit.stage], edit.passed], ...(outcome.rework ? { column: ['qc', 'inBay'] } : {}) },
				note: edit.passed ? null : edit.reason,
				set: {
					qc_self: outcome.qc.self,
					qc_lead: outcome.qc.lead,
					qc_final: outcome.qc.final,
					qc_self_by: outcome.rework ? null : edit.stage === 'self' ? actor.userId : card.qcSelfBy
				},
				rework: outcome.rework
			};
		}
		case 'handoverChecks': {
			if (card.column !== 'handover') throw refuse('notInHandover', `card ${card.id} is in ${card.column}, not handover`);
			return {
				changes: { handoverChecks: [card.handoverChecks, edit.checks] },
				set: { handover_checks: edit.checks }
			};
		}
		case 'nextService': {
			if (edit.on <= card.today) {
				throw new Refused({
					code: 'invalidInput',
					field: 'on',
					message: `on: the next service must be after today (${card.today})`
				});
			}
			return {
				changes: diff(
					{ nextServiceOn: card.nextServiceOn, nextServiceKm: card.nextServiceKm },
					{ nextServiceOn: edit.on, nextServiceKm: edit.km }
				),
				set: { next_service_on: edit.on, next_service_km: edit.km }
			};
		}
		case 'completeHandover': {
			if (card.column !== 'handover') throw refuse('notInHandover', `card ${card.id} is in ${card.column}, not handover`);
			const missing = handoverMissing({
				checks: card.handoverChecks,
				nextServiceOn: card.nextServiceOn,
				nextServiceKm: card.nextServiceKm
			});
			if (missing.length) throw refuse('handoverIncomplete', `handover not ready: ${missing.join(', ')}`);
			const due = addDays(card.today, FOLLOW_UP_DAYS);
			await tx`
				update vehicles set last_service_on = ${card.today}::date, last_service_km = mileage_km
				where id = ${card.vehicleId}`;
			if (card.appointmentId !== null) {
				await tx`update appointments set status = 'done' where id = ${card.appointmentId}`;
			}
			await tx`
				insert into call_tasks (store_id, kind, customer_id, vehicle_id, appointment_id, card_id,
					due_on, about_on)
				values (${storeId}, 'followUp', ${card.customerId}, ${card.vehicleId}, ${card.appointmentId},
					${card.id}, ${due}::date, ${card.today}::date)`;
			return { changes: { column: ['handover', null] }, note: `followUp ${due}`, archive: true };
		}
		case 'escalate': {
			const [before] = await tx<{ escalated: boolean; note: string | null }[]>`
				select escalated_at is not null as escalated, escalation_note as note from cards where id = ${card.id}`;
			return {
				changes: diff(before, { escalated: edit.escalated, note: edit.escalated ? edit.note : null }),
				note: edit.note,
				set: {
					escalated_at: edit.escalated ? card.now : null,
					escalation_note: edit.escalated ? edit.note : null
				}
			};
		}
		case 'proposeReschedule': {
			if (!PREP_COLUMNS.includes(card.column)) {
				throw refuse('notInPrep', `card ${card.id} is in ${card.column}: the car is already here`);
			}
			if (edit.day !== null && edit.day <= card.today) {
				throw new Refused({
					code: 'invalidInput',
					field: 'day',
					message: `day: a new day must be after today (${card.today})`
				});
			}
			const [before] = await tx<{ day: string | null }[]>`
				select reschedule_proposed_on::text as day from cards where id = ${card.id}`;
			return {
				changes: { rescheduleProposal: [before.day, edit.day] },
				note: edit.note,
				set: { reschedule_proposed_on: edit.day, reschedule_note: edit.day ? edit.note : null }
			};
		}
	}
}

/** edits after which the card's prep deadline (the overdue badge) is computed again */
const PREP_INPUTS: readonly CardEdit['kind'][] = ['documents', 'addPart', 'updatePart', 'removePart'];

/**
 * Keeps the shelf count true when a line starts or stops being held for this car (reserved,
 * picked, arrived): taken from `parts.on_hand`, or given back. Parts the store does not stock (not in
 * `parts`) are not counted. Refuses a hold the shelf cannot give.
 */
async function hold(
	tx: Tx,
	storeId: number,
	partNo: string,
	from: PartStatus | null,
	to: PartStatus,
	fromQuantity: number,
	toQuantity: number
) {
	const before = from !== null && HELD.includes(from) ? fromQuantity : 0;
	const after = HELD.includes(to) ? toQuantity : 0;
	const take = after - before;
	// an ordered part that arrives (or goes straight into the basket) comes from the supplier, not
	// off the shelf; given back (cancelled, removed), it goes onto the shelf like any other
	if (take === 0 || (take > 0 && from === 'ordered')) return;
	const rows = await tx<{ onHand: number }[]>`
		update parts set on_hand = on_hand - ${take}
		where store_id = ${storeId} and part_no = ${partNo} and on_hand - ${take} >= 0
		returning on_hand as "onHand"`;
	if (rows.length) return;
	const [stocked] = await tx`select 1 from parts where store_id = ${storeId} and part_no = ${partNo}`;
	if (stocked) throw refuse('outOfStock', `part ${partNo}: not enough on the shelf to hold ${take} more`);
}

/** field → [before, after] for the fields that changed */
function diff(before: Record<string, unknown>, after: Record<string, unknown>) {
	const changes: Record<string, [unknown, unknown]> = {};
	for (const [key, value] of Object.entries(after)) {
		if (JSON.stringify(before[key] ?? null) !== JSON.stringify(value ?? null)) {
			changes[key] = [before[key] ?? null, value ?? null];
		}
	}
	return changes;
}

