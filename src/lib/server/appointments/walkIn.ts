import { createHash } from 'node:crypto';
import { checkBooking } from '$lib/domain/capacity';
import { localDate } from '$lib/domain/calendar';
import type { BoardCard } from '$lib/domain/board';
import type { BookingError, CardCreatedEvent, WalkInResult } from '$lib/realtime/contract';
import type { Sql } from '../db/connect';
import type { Store } from '../db/stores';
import {
	Refused,
	insertCustomer,
	insertVehicle,
	refusalMessage,
	whoIsBooking,
	type BookingActor
} from './book';
import type { WalkInCommand } from './command';
import * as rules from './rules';
import * as day from './day';
import * as parts from './parts';
import { appendEvent } from '../board/append';

export type WalkInAnswer = { ok: true; data: WalkInResult } | { ok: false; error: BookingError };

interface StoredWalkIn {
	request: string;
	walkIn: WalkInResult['walkIn'];
	event: CardCreatedEvent;
}

/**
 * A car that arrives without an appointment (直接入厂): its card goes straight to "in bay", with no
 * appointment and no slot, on the labour the store holds back (the 20% of capacity.ts: walk-ins
 * take it first, and only past it eat into what appointments may still book; a director may
 * override a full day, recorded). One transaction, queued on the store-day lock with the bookings
 * of the day: the customer and vehicle if new, the card with its work order items and parts (held
 * off the shelf when there), the card:created event, its audit row and the idempotency record.
 */
export async function registerWalkIn(
	sql: Sql,
	store: Store,
	command: WalkInCommand,
	actor: BookingActor
): Promise<WalkInAnswer> {
	const { idempotencyKey: _, ...request } = command;
	const hash = createHash('sha256').update(JSON.stringify(request)).digest('base64url');
	try {
		return await sql.begin(async (tx) => {
			const db = tx as unknown as Sql;
			const [, [done]] = await Promise.all([
				tx`select pg_advisory_xact_lock(hashtextextended(${command.idempotencyKey}, ${store.id}))`,
				tx<{ result: StoredWalkIn }[]>`
					select result from command_results
					where store_id = ${store.id} and idempotency_key = ${command.idempotencyKey}`
			]);
			if (done) return replay(done.result, hash, command.idempotencyKey);

			const who = await whoIsBooking(db, store.id, command);
			const [clock] = await tx<{ now: Date }[]>`select now()`;
			const today = localDate(clock.now, store.timeZone);
			await day.lockDay(db, store.id, today);
			const shelf = await parts.lockFor(db, store.id, command.jobs);
			const [bookingRules, capacityDay, existing] = await Promise.all([
				rules.read(db, store),
				day.capacityDay(db, store.id, today),
				day.bookingsOn(db, store, today)
			]);
			const check = checkBooking(
				capacityDay,
				bookingRules.capacity,
				existing,
				{
					kind: 'walkIn',
					jobTypes: command.jobs,
					vehicleRegisteredOn: who.registeredOn,
					// the car is here: what is not on the shelf is ordered, nothing to wait for to book
					parts: [],
					directorOverride: command.override !== undefined
				},
				clock.now
			);
			if (!check.ok) {
				const { ok: _ok, ...refusal } = check;
				throw new Refused({
					code: 'bookingRefused',
					message: refusalMessage(refusal.reason, { ...command, day: today, start: '00:00' }, refusal),
					...refusal
				});
			}
			const types = command.jobs.map((code) => bookingRules.jobTypes.get(code)!);
			const customerId = who.customerId ?? (await insertCustomer(db, store.id, command));
			const vehicleId = who.vehicleId ?? (await insertVehicle(db, store.id, customerId, command));
			const jobSummary = types.map((t) => t.name).join('、');
			const [made] = await tx<{ cardId: number }[]>`
				insert into cards (store_id, appointment_id, customer_id, vehicle_id, board_column, due_at,
					job_summary, advisor_id, parts_waiting, column_entered_at)
				values (${store.id}, null, ${customerId}, ${vehicleId}, 'inBay', now(), ${jobSummary},
					${actor.advisorId}, ${parts.waiting(shelf)}, now())
				returning id::int as "cardId"`;
			const slip = await parts.reserve(db, store.id, made.cardId, types, shelf);
			const [{ card, now }] = await tx<{ card: BoardCard; now: string }[]>`
				select card, iso_utc(now()) as now from board_card_view where id = ${made.cardId}`;
			const event: Omit<CardCreatedEvent, 'seq'> = {
				type: 'card:created',
				card,
				appointmentId: null,
				at: now,
				actor: actor.label
			};
			const walkIn: WalkInResult['walkIn'] = {
				cardId: made.cardId,
				customerId,
				vehicleId,
				day: today,
				jobs: command.jobs,
				labourMinutes: check.labourMinutes,
				overridden: check.overridden
			};
			const audit = {
				walkIn: true,
				day: today,
				jobs: command.jobs,
				labourMinutes: check.labourMinutes,
				parts: slip,
				newCustomer: who.customerId === null,
				newVehicle: who.vehicleId === null,
				...(command.override
					? { override: { reason: command.override.reason, needed: check.overridden } }
					: {})
			};
			const seq = await appendEvent(tx, store.id, made.cardId, event, {
				action: 'walkIn.register',
				audit,
				actor,
				idempotency: { key: command.idempotencyKey, result: { request: hash, walkIn, event }, eventAt: ['event'] }
			});
			return { ok: true as const, data: { walkIn, event: { seq, ...event }, replayed: false } };
		});
	} catch (error) {
		if (error instanceof Refused) return { ok: false, error: error.error };
		const e = error as { code?: string; constraint_name?: string };
		if (e?.code === '23505' && e.constraint_name === 'command_results_pkey') {
			const [done] = await sql<{ result: StoredWalkIn }[]>`
				select result from command_results
				where store_id = ${store.id} and idempotency_key = ${command.idempotencyKey}`;
			if (done) return replay(done.result, hash, command.idempotencyKey);
		}
		throw error;
	}
}

function replay(result: StoredWalkIn, hash: string, key: string): WalkInAnswer {
	if (!result.walkIn || result.request !== hash) {
		return {
			ok: false,
			error: { code: 'invalidInput', message: `idempotencyKey ${key} was already used for another command` }
		};
	}
	return { ok: true, data: { walkIn: result.walkIn, event: result.event, replayed: true } };
}
