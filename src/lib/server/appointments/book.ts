import { createHash } from 'node:crypto';
import { checkBooking, slotTime } from '$lib/domain/capacity';
import { zonedInstant } from '$lib/domain/calendar';
import type { BoardCard } from '$lib/domain/board';
import type {
	BookedAppointment,
	BookingError,
	BookingResult,
	CardCreatedEvent
} from '$lib/realtime/contract';
import type { Sql } from '../db/connect';
import type { Store } from '../db/stores';
import { minutesOf, type BookCommand } from './command';
import * as rules from './rules';
import * as day from './day';
import * as parts from './parts';
import { refreshPrepDeadlines } from '../cards/prep';
import { appendEvent } from '../board/append';
import { plateKey } from '$lib/domain/identity';

/** Who books, and from where: what the audit row records. */
export interface BookingActor {
	userId: number | null;
	label: string;
	/** e.g. "http 127.0.0.1 inst-a" */
	source: string;
	/** the booker is one of the store's advisors: the card names them */
	advisorId: number | null;
}

export type BookingAnswer = { ok: true; data: BookingResult } | { ok: false; error: BookingError };

export class Refused extends Error {
	constructor(readonly error: BookingError) {
		super(error.message);
	}
}

/** What the idempotency record keeps: the first answer, and what it answered. */
interface StoredResult {
	seq: number;
	request: string;
	appointment: BookedAppointment;
	event: CardCreatedEvent;
}

/** The command without its key, hashed: a key reused for another booking is told so. */
const requestHash = (command: BookCommand) => {
	const { idempotencyKey: _, ...request } = command;
	return createHash('sha256').update(JSON.stringify(request)).digest('base64url');
};

/**
 * Books a tentative appointment (临时预约) and puts its card in prep. One transaction holds the
 * capacity check and everything the booking writes: a new customer and vehicle if asked, the
 * appointment and its job items, the card, the card:created event with the store's next sequence
 * number, its audit row and the idempotency record. Bookings of one store and day queue on an
 * advisory lock and each re-reads the day's bookings after it, so two bookings for the last free
 * slot cannot both see it free: exactly one gets it.
 */
export async function bookAppointment(
	sql: Sql,
	store: Store,
	command: BookCommand,
	actor: BookingActor
): Promise<BookingAnswer> {
	const hash = requestHash(command);
	try {
		return await sql.begin(async (tx) => {
			// the verb modules take an Sql; a transaction is one for everything they do with it
			const db = tx as unknown as Sql;
			// retries of one key wait for each other here, and the later finds the first one's result
			const [, [done]] = await Promise.all([
				tx`select pg_advisory_xact_lock(hashtextextended(${command.idempotencyKey}, ${store.id}))`,
				tx<{ result: StoredResult }[]>`
					select result from command_results
					where store_id = ${store.id} and idempotency_key = ${command.idempotencyKey}`
			]);
			if (done) return replay(done.result, hash, command.idempotencyKey);

			const who = await whoIsBooking(db, store.id, command);

			// The day's queue: from here on this transaction is the only booking of this store and day,
			// and every read below sees the bookings committed before it got the lock.
			await day.lockDay(db, store.id, command.day);
			// the shelf this booking may take from: locked in part order (no deadlock between bookings
			// of different days sharing a part), so what the capacity check reads as in stock is still
			// there when the parts are reserved below
			const shelf = await parts.lockFor(db, store.id, command.jobs);
			const [bookingRules, capacityDay, existing, [clock]] = await Promise.all([
				rules.read(db, store),
				day.capacityDay(db, store.id, command.day),
				day.bookingsOn(db, store, command.day),
				tx<{ now: Date }[]>`select now()`
			]);
			const start = minutesOf(command.start);
			const check = checkBooking(
				capacityDay,
				bookingRules.capacity,
				existing,
				{
					kind: 'appointment',
					jobTypes: command.jobs,
					vehicleRegisteredOn: who.registeredOn,
					parts: shelf.map((p) => p.need),
					directorOverride: command.override !== undefined,
					start
				},
				clock.now
			);
			if (!check.ok) {
				const { ok: _, ...refusal } = check;
				throw new Refused({
					code: 'bookingRefused',
					message: refusalMessage(refusal.reason, command, refusal),
					...refusal
				});
			}
			const tier = check.tier!;
			const types = command.jobs.map((code) => bookingRules.jobTypes.get(code)!);
			const scheduledAt = zonedInstant(command.day, start, store.timeZone);

			const customerId = who.customerId ?? (await insertCustomer(db, store.id, command));
			const vehicleId = who.vehicleId ?? (await insertVehicle(db, store.id, customerId, command));
			const jobSummary = types.map((t) => t.name).join('、');
			const [made] = await tx<{ appointmentId: number; cardId: number }[]>`
				with appointment as (
					insert into appointments (store_id, customer_id, vehicle_id, scheduled_at, channel,
						status, job_summary, labour_minutes, tier, price_factor_percent, recommended,
						booked_by, override_by, override_reason)
					values (${store.id}, ${customerId}, ${vehicleId}, ${scheduledAt}, ${command.channel},
						'tentative', ${jobSummary}, ${check.labourMinutes}, ${tier}, ${check.priceFactorPercent},
						${check.recommended}, ${actor.userId}, ${command.override ? actor.userId : null},
						${command.override ? command.override.reason : null})
					returning id
				), items as (
					insert into appointment_items (appointment_id, store_id, job_type_id, position,
						labour_minutes, list_price_fen)
					select appointment.id, ${store.id}, t.id, t.position, t.minutes, t.price
					from appointment, unnest(${types.map((t) => t.id)}::bigint[],
						${types.map((t) => t.labourMinutes)}::int[], ${types.map((t) => t.listPriceFen)}::int[])
						with ordinality as t(id, minutes, price, position)
				)
				insert into cards (store_id, appointment_id, customer_id, vehicle_id, board_column, due_at,
					job_summary, advisor_id, parts_waiting)
				select ${store.id}, appointment.id, ${customerId}, ${vehicleId}, 'prep', ${scheduledAt},
					${jobSummary}, ${actor.advisorId}, ${parts.waiting(shelf)}
				from appointment
				returning appointment_id::int as "appointmentId", id::int as "cardId"`;
			// the work order's items and the parts slip: what prep starts from
			const slip = await parts.reserve(db, store.id, made.cardId, types, shelf);
			// the overdue badge: the prep rules over this card's parts and (empty) folder
			await refreshPrepDeadlines(db, store, [made.cardId], clock.now);
			// the card as every screen sees it: the view, which this transaction's insert is visible to
			const [{ card, now }] = await tx<{ card: BoardCard; now: string }[]>`
				select card, iso_utc(now()) as now from board_card_view where id = ${made.cardId}`;

			const event: Omit<CardCreatedEvent, 'seq'> = {
				type: 'card:created',
				card,
				appointmentId: made.appointmentId,
				at: now,
				actor: actor.label
			};
			const appointment: BookedAppointment = {
				id: made.appointmentId,
				cardId: made.cardId,
				customerId,
				vehicleId,
				status: 'tentative',
				channel: command.channel,
				day: command.day,
				start: slotTime(start),
				scheduledAt: scheduledAt.toISOString(),
				jobs: command.jobs,
				labourMinutes: check.labourMinutes,
				tier,
				priceFactorPercent: check.priceFactorPercent,
				recommended: check.recommended,
				overridden: check.overridden
			};
			const audit = {
				appointmentId: made.appointmentId,
				day: command.day,
				start: appointment.start,
				jobs: command.jobs,
				channel: command.channel,
				labourMinutes: check.labourMinutes,
				tier,
				priceFactorPercent: check.priceFactorPercent,
				parts: slip,
				newCustomer: who.customerId === null,
				newVehicle: who.vehicleId === null,
				// an override is recorded whether or not the booking needed it
				...(command.override
					? { override: { reason: command.override.reason, needed: check.overridden } }
					: {})
			};
			const stored = { request: hash, appointment, event };
			const seq = await appendEvent(tx, store.id, made.cardId, event, {
				action: 'appointment.book',
				audit,
				actor,
				idempotency: { key: command.idempotencyKey, result: stored, eventAt: ['event'] }
			});
			return {
				ok: true as const,
				data: { appointment, event: { seq, ...event }, replayed: false }
			};
		});
	} catch (error) {
		if (error instanceof Refused) return { ok: false, error: error.error };
		// a concurrent retry with the same key committed first: hand back its result
		if (isUniqueViolation(error, 'command_results_pkey')) {
			const [done] = await sql<{ result: StoredResult }[]>`
				select result from command_results
				where store_id = ${store.id} and idempotency_key = ${command.idempotencyKey}`;
			if (done) return replay(done.result, hash, command.idempotencyKey);
		}
		throw error;
	}
}

/** The first answer to a key, unless the key was used for something else. */
function replay(result: StoredResult, hash: string, key: string): BookingAnswer {
	if (!result.appointment || result.request !== hash) {
		return {
			ok: false,
			error: {
				code: 'invalidInput',
				message: `idempotencyKey ${key} was already used for another command`
			}
		};
	}
	const { appointment, event } = result;
	return { ok: true, data: { appointment, event, replayed: true } };
}

interface Who {
	/** null: a new customer, made by this booking */
	customerId: number | null;
	vehicleId: number | null;
	registeredOn: string | null;
}

/** The customer and vehicle named by id, checked to be this store's and each other's. */
export async function whoIsBooking(
	sql: Sql,
	storeId: number,
	command: Pick<BookCommand, 'customer' | 'vehicle'>
): Promise<Who> {
	const refuse = (error: BookingError) => new Refused(error);
	let customerId: number | null = null;
	if ('id' in command.customer) {
		const [row] = await sql<{ id: number }[]>`
			select id::int from customers where id = ${command.customer.id} and store_id = ${storeId}`;
		if (!row) {
			throw refuse({
				code: 'customerNotFound',
				message: `customer ${command.customer.id} is not a customer of this store`
			});
		}
		customerId = row.id;
	}
	if ('id' in command.vehicle) {
		const [row] = await sql<{ id: number; customerId: number; registeredOn: string | null }[]>`
			select id::int, customer_id::int as "customerId",
				to_char(registered_on, 'YYYY-MM-DD') as "registeredOn"
			from vehicles where id = ${command.vehicle.id} and store_id = ${storeId}`;
		if (!row) {
			throw refuse({
				code: 'vehicleNotFound',
				message: `vehicle ${command.vehicle.id} is not a vehicle of this store`
			});
		}
		if (row.customerId !== customerId) {
			throw refuse({
				code: 'invalidInput',
				message: `vehicle ${row.id} belongs to customer ${row.customerId}, not to ${
					customerId === null ? 'a new customer' : `customer ${customerId}`
				}`
			});
		}
		return { customerId, vehicleId: row.id, registeredOn: row.registeredOn };
	}
	const [taken] = await sql<{ id: number; customerId: number }[]>`
		select id::int, customer_id::int as "customerId" from vehicles
		where store_id = ${storeId}
			and upper(replace(replace(replace(plate, '·', ''), ' ', ''), '-', ''))
				= ${plateKey(command.vehicle.plate)}`;
	if (taken) {
		throw refuse({
			code: 'invalidInput',
			message:
				`plate ${command.vehicle.plate} is already vehicle ${taken.id} ` +
				`of customer ${taken.customerId}: book it by vehicle.id`
		});
	}
	return { customerId, vehicleId: null, registeredOn: command.vehicle.registeredOn ?? null };
}

export async function insertCustomer(
	sql: Sql,
	storeId: number,
	command: Pick<BookCommand, 'customer'>
): Promise<number> {
	if ('id' in command.customer) return command.customer.id;
	const { surname, title, phone, name } = command.customer;
	const [row] = await sql<{ id: number }[]>`
		insert into customers (store_id, name, surname, title, phone)
		values (${storeId}, ${name ?? surname + title}, ${surname}, ${title}, ${phone})
		returning id::int`;
	return row.id;
}

export async function insertVehicle(
	sql: Sql,
	storeId: number,
	customerId: number,
	command: Pick<BookCommand, 'vehicle'>
): Promise<number> {
	if ('id' in command.vehicle) return command.vehicle.id;
	const { plate, model, registeredOn } = command.vehicle;
	const [row] = await sql<{ id: number }[]>`
		insert into vehicles (store_id, customer_id, plate, model, registered_on)
		values (${storeId}, ${customerId}, ${plate}, ${model}, ${registeredOn ?? null})
		returning id::int`;
	return row.id;
}

const REFUSAL_MESSAGES: Record<string, string> = {
	dateInPast: 'the day is in the past',
	closedDay: 'the store is closed that day',
	noJobs: 'no job type was chosen',
	unknownJobType: 'this store has no such job type',
	jobTypeNotQuick: 'this job type cannot be booked as a quick appointment',
	vehicleTooOld: 'the vehicle is too old for a quick appointment',
	partsNotInTime: 'a needed part cannot arrive before that day',
	outsideOpeningHours: 'the slot is outside opening hours',
	offSlotStep: 'the time is not on a slot step',
	slotInPast: 'the slot has passed',
	slotFull: 'the slot has no appointment left in its quota',
	labourFull: 'the day has no bookable labour left for these jobs (80% of capacity)'
};

/** The capacity rule's refusal in words, for `day` at `start`. */
export function refusalMessage(
	reason: string,
	command: { day: string; start: string },
	extra: { jobType?: string; firstBookableDay?: string; needsOverride: boolean }
): string {
	let message = `${command.day} ${command.start}: ${REFUSAL_MESSAGES[reason] ?? reason}`;
	if (extra.jobType) message += ` (${extra.jobType})`;
	if (extra.firstBookableDay) {
		message += `; the first day it can be booked is ${extra.firstBookableDay}`;
	}
	if (extra.needsOverride) message += '; a technical director may override';
	return message;
}

function isUniqueViolation(error: unknown, constraint: string): boolean {
	const e = error as { code?: string; constraint_name?: string };
	return e?.code === '23505' && e.constraint_name === constraint;
}
