import { createHash } from 'node:crypto';
import type { BoardCard, Column } from '$lib/domain/board';
import { localDateTime, localDate } from '$lib/domain/calendar';
import { slotTime } from '$lib/domain/capacity';
import type {
	AppointmentChangeResult,
	AppointmentRefusal,
	AppointmentState,
	AppointmentStatus,
	AppointmentUpdate,
	BookingError,
	CardArchivedEvent,
	CardMovedEvent,
	CardUpdatedEvent
} from '$lib/realtime/contract';
import type { Sql } from '../db/connect';
import type { Store } from '../db/stores';
import { refreshPrepDeadlines } from '../cards/prep';
import { appendEvent } from '../board/append';

/**
 * The one transaction every change of a booked appointment runs in (confirm, reschedule, cancel,
 * no-show): the idempotency key's lock and stored answer, the appointment and its card locked,
 * the verb's own writes, then — when the board shows something new — the card:* event with the
 * store's next sequence number, its audit row and the stored answer in one statement, as a move
 * does (board/move.ts). Every change of an appointment with a card on the board is an event of
 * that card (the card's version moves on, even when its face does not change), so the card's
 * history is its events and their audit rows; an appointment without a card gets an audit row
 * without a sequence number.
 */

export type Verb = 'confirm' | 'reschedule' | 'cancel' | 'noShow';

/** Who changes it, and from where: what the audit row records. */
export interface ChangeActor {
	userId: number | null;
	label: string;
	source: string;
	/** whether this actor may make this move of the card (the role table); absent: any */
	mayMove?: (move: { from: Column; to: Column }) => boolean;
}

export type ChangeAnswer =
	| { ok: true; data: AppointmentChangeResult }
	| { ok: false; error: BookingError };

export class Refused extends Error {
	constructor(readonly error: BookingError) {
		super(error.message);
	}
}

export const refuse = (
	reason: AppointmentRefusal,
	message: string,
	status?: AppointmentStatus
): Refused => new Refused({ code: 'appointmentRefused', reason, message, ...(status ? { status } : {}) });

/** The appointment as the transaction found it, locked. */
export interface Current {
	id: number;
	status: AppointmentStatus;
	customerId: number;
	vehicleId: number;
	scheduledAt: Date;
	/** store-local */
	day: string;
	start: string;
	labourMinutes: number;
	/** its card on the board (locked), or null */
	card: BoardCard | null;
	/** the transaction's now() */
	now: Date;
}

/**
 * What a verb did: the card's event (the verb has updated the card and bumped its version; ignored
 * when the appointment has no card), what the audit row says, extras.
 */
export interface Done {
	event:
		| { type: 'card:moved'; from: Column }
		| { type: 'card:updated'; kind: AppointmentUpdate }
		| { type: 'card:archived'; reason: 'cancelled' };
	audit: Record<string, unknown>;
	extra?: Pick<AppointmentChangeResult, 'parts' | 'noShows'>;
}

/** Columns a booked car has not reached the workshop from yet. */
export const BEFORE_ARRIVAL: readonly Column[] = ['prep', 'ready', 'confirmed'];

interface StoredResult {
	verb: Verb;
	appointmentId: number;
	request: string;
	answer: AppointmentChangeResult;
}

const hashOf = (verb: Verb, appointmentId: number, command: { idempotencyKey: string }) => {
	const { idempotencyKey: _, ...request } = command;
	return createHash('sha256')
		.update(JSON.stringify({ verb, appointmentId, request }))
		.digest('base64url');
};

export async function change<C extends { idempotencyKey: string }>(
	sql: Sql,
	store: Store,
	verb: Verb,
	appointmentId: number,
	command: C,
	actor: ChangeActor,
	work: (tx: Sql, current: Current) => Promise<Done>
): Promise<ChangeAnswer> {
	const hash = hashOf(verb, appointmentId, command);
	const key = command.idempotencyKey;
	try {
		return await sql.begin(async (tx) => {
			const db = tx as unknown as Sql;
			const [, [done]] = await Promise.all([
				tx`select pg_advisory_xact_lock(hashtextextended(${key}, ${store.id}))`,
				tx<{ result: StoredResult }[]>`
					select result from command_results
					where store_id = ${store.id} and idempotency_key = ${key}`
			]);
			if (done) return replay(done.result, hash, key);

			// the appointment first, then its card: the order every change takes, so two changes of one
			// appointment queue instead of deadlocking; a move of the card waits for the card's lock
			const [row] = await tx<
				{
					id: number;
					status: AppointmentStatus;
					customerId: number;
					vehicleId: number;
					scheduledAt: Date;
					labourMinutes: number;
					now: Date;
				}[]
			>`
				select id::int, status, customer_id::int as "customerId", vehicle_id::int as "vehicleId",
					scheduled_at as "scheduledAt", labour_minutes as "labourMinutes", now()
				from appointments where id = ${appointmentId} and store_id = ${store.id}
				for update`;
			if (!row) {
				throw new Refused({
					code: 'appointmentNotFound',
					message: `appointment ${appointmentId} is not an appointment of this store`
				});
			}
			await tx`
				select id from cards where appointment_id = ${appointmentId} and store_id = ${store.id}
					and archived_at is null
				for update`;
			// a new statement after the lock: it sees what a move that held the lock committed
			const [found] = await tx<{ card: BoardCard }[]>`
				select v.card from board_card_view v join cards c on c.id = v.id
				where c.appointment_id = ${appointmentId} and c.store_id = ${store.id}
					and c.archived_at is null`;
			const local = localDateTime(row.scheduledAt, store.timeZone);
			const current: Current = {
				...row,
				day: local.date,
				start: slotTime(local.minutes),
				card: found?.card ?? null
			};

			const result = await work(db, current);
			const cardId = current.card?.id ?? null;
			const audit = { appointmentId, ...result.audit };
			const action = `appointment.${verb}`;

			let event: AppointmentChangeResult['event'] = null;
			if (cardId !== null) {
				// the due time or the column may have changed: the overdue badge follows
				await refreshPrepDeadlines(tx, store, [cardId], row.now);
				const [{ card, now }] = await tx<{ card: BoardCard; now: string }[]>`
					select card, iso_utc(now()) as now from board_card_view where id = ${cardId}`;
				const base = { card, at: now, actor: actor.label };
				const unnumbered =
					result.event.type === 'card:moved'
						? ({ type: 'card:moved', from: result.event.from, ...base } as const)
						: result.event.type === 'card:updated'
							? ({ type: 'card:updated', kind: result.event.kind, ...base } as const)
							: ({ type: 'card:archived', reason: result.event.reason, ...base } as const);
				const answer = {
					appointment: await readState(db, store, appointmentId),
					event: unnumbered,
					replayed: false,
					...result.extra
				};
				const stored = { verb, appointmentId, request: hash, answer };
				const seq = await appendEvent(tx, store.id, cardId, unnumbered, {
					action,
					audit,
					actor,
					idempotency: { key, result: stored, eventAt: ['answer', 'event'] }
				});
				event = { seq, ...unnumbered } as CardMovedEvent | CardUpdatedEvent | CardArchivedEvent;
				return { ok: true as const, data: { ...answer, event } };
			}

			const answer: AppointmentChangeResult = {
				appointment: await readState(db, store, appointmentId),
				event,
				replayed: false,
				...result.extra
			};
			const stored = { verb, appointmentId, request: hash, answer };
			await Promise.all([
				tx`
					insert into audit_log (store_id, card_id, actor_user_id, actor_label, action, detail, source)
					values (${store.id}, ${cardId}, ${actor.userId}, ${actor.label}, ${action},
						${tx.json(audit as never)}, ${actor.source})`,
				tx`
					insert into command_results (store_id, idempotency_key, result)
					values (${store.id}, ${key}, ${tx.json(stored as never)})`
			]);
			return { ok: true as const, data: answer };
		});
	} catch (error) {
		if (error instanceof Refused) return { ok: false, error: error.error };
		const e = error as { code?: string; constraint_name?: string };
		if (e?.code === '23505' && e.constraint_name === 'command_results_pkey') {
			const [done] = await sql<{ result: StoredResult }[]>`
				select result from command_results
				where store_id = ${store.id} and idempotency_key = ${key}`;
			if (done) return replay(done.result, hash, key);
		}
		throw error;
	}
}

function replay(result: StoredResult, hash: string, key: string): ChangeAnswer {
	if (!result.answer || result.request !== hash) {
		return {
			ok: false,
			error: { code: 'invalidInput', message: `idempotencyKey ${key} was already used for another command` }
		};
	}
	return { ok: true, data: { ...result.answer, replayed: true } };
}

/** The appointment as it is now (in the transaction: as this change leaves it). */
export async function readState(
	sql: Sql,
	store: { id: number; timeZone: string },
	appointmentId: number
): Promise<AppointmentState> {
	const [row] = await sql<
		(Omit<AppointmentState, 'day' | 'start' | 'scheduledAt'> & { scheduledAt: Date })[]
	>`
		select a.id::int, (select c.id::int from cards c
				where c.appointment_id = a.id and c.archived_at is null) as "cardId",
			a.status, a.scheduled_at as "scheduledAt", a.labour_minutes as "labourMinutes", a.tier,
			a.price_factor_percent as "priceFactorPercent", a.recommended,
			a.reschedule_count as "rescheduleCount"
		from appointments a where a.id = ${appointmentId} and a.store_id = ${store.id}`;
	const local = localDateTime(row.scheduledAt, store.timeZone);
	return {
		...row,
		day: local.date,
		start: slotTime(local.minutes),
		scheduledAt: row.scheduledAt.toISOString()
	};
}

/** Today in the store's zone, by the transaction's clock. */
export const storeToday = (current: Current, timeZone: string) => localDate(current.now, timeZone);
