import { addDays, workdayOnOrAfter, zonedInstant } from '$lib/domain/calendar';
import { checkBooking } from '$lib/domain/capacity';
import type { Store } from '../db/stores';
import type { Sql } from '../db/connect';
import { refusalMessage } from './book';
import {
	BEFORE_ARRIVAL,
	Refused,
	change,
	refuse,
	storeToday,
	type ChangeActor,
	type ChangeAnswer,
	type Current
} from './change';
import {
	minutesOf,
	type CancelCommand,
	type ConfirmCommand,
	type NoShowCommand,
	type RescheduleCommand
} from './command';
import * as day from './day';
import * as parts from './parts';
import * as rules from './rules';

/**
 * An appointment's life after booking (DOMAIN.md "Appointment rules"), each verb one transaction
 * (change.ts). What each does to the card:
 *
 * - confirm: the appointment is confirmed. A card in 准备完成 (ready) moves to 预约确认
 *   (confirmed): card:moved. A card still in 维修准备 (prep) stays there — the flow never skips
 *   "ready" (transitions.ts), and a folder not handed back is the director's to chase, not hidden
 *   by the call — so the customer's word is recorded (status, history) and the card is moved on by
 *   hand once its prep is done. A card already past "ready" is left where it is.
 * - reschedule: capacity re-checked on the new day exactly as a booking is (the store-day lock,
 *   the same rules, the appointment not counted against itself); the card's due time changes, so
 *   every prep deadline derived from it moves. A confirmed appointment is tentative again and its
 *   card goes back to "ready" (the new date needs a new confirmation call): card:moved; otherwise
 *   card:updated { kind: 'rescheduled' }.
 * - cancel: the appointment is cancelled, its card's work order cancelled and the card archived
 *   (card:archived { reason: 'cancelled' }); parts reserved, picked or arrived for it go back on
 *   the shelf (parts.on_hand); parts still on order stay on order and are named in the history.
 * - noShow: recorded once the appointment's time has passed, a call to reschedule put on the
 *   no-show list; the card waits where it is for the new date (card:updated { kind: 'noShow' }).
 *   A confirmation that leaves the card in prep is card:updated { kind: 'appointmentConfirmed' }.
 */

/** not a job type code (codes start with a letter): the appointment's own labour */
const BOOKED_LABOUR = '_booked';

const notOpen = (current: Current, what: string) =>
	refuse(
		'notOpen',
		`appointment ${current.id} is ${current.status}: it cannot be ${what}`,
		current.status
	);

const arrived = (current: Current, what: string) =>
	refuse(
		'carArrived',
		`the car of appointment ${current.id} is in the workshop (card in ${current.card!.column}): it cannot be ${what}`,
		current.status
	);

export function confirm(
	sql: Sql,
	store: Store,
	appointmentId: number,
	command: ConfirmCommand,
	actor: ChangeActor
): Promise<ChangeAnswer> {
	return change(sql, store, 'confirm', appointmentId, command, actor, async (tx, current) => {
		if (current.status === 'confirmed') {
			throw refuse('alreadyConfirmed', `appointment ${current.id} is already confirmed`, current.status);
		}
		if (current.status !== 'tentative') throw notOpen(current, 'confirmed');
		const card = current.card;
		const moves = card?.column === 'ready';
		if (moves && actor.mayMove && !actor.mayMove({ from: 'ready', to: 'confirmed' })) {
			throw new Refused({
				code: 'forbidden',
				message: `${actor.label} may not move a card from ready to confirmed`
			});
		}
		await tx`
			update appointments set status = 'confirmed', confirmed_at = now()
			where id = ${current.id}`;
		if (card) {
			await tx`
				update cards set version = version + 1, updated_at = now(),
					board_column = ${moves ? 'confirmed' : card.column},
					column_entered_at = ${moves ? tx`now()` : tx`column_entered_at`}
				where id = ${card.id}`;
		}
		if (command.call) {
			await tx`
				insert into call_tasks (store_id, kind, customer_id, vehicle_id, appointment_id, card_id,
					due_on, about_on, outcome, note, done_by, done_at)
				values (${store.id}, 'confirmationCall', ${current.customerId}, ${current.vehicleId},
					${current.id}, ${card?.id ?? null}, ${addDays(current.day, -1)}, ${current.day},
					'confirmed', ${command.call.note ?? null}, ${actor.userId}, now())`;
		}
		return {
			event: moves
				? { type: 'card:moved', from: 'ready' }
				: { type: 'card:updated', kind: 'appointmentConfirmed' },
			audit: {
				day: current.day,
				start: current.start,
				viaCall: command.call !== undefined,
				card: card ? { column: card.column, moved: moves } : null
			}
		};
	});
}

export function reschedule(
	sql: Sql,
	store: Store,
	appointmentId: number,
	command: RescheduleCommand,
	actor: ChangeActor
): Promise<ChangeAnswer> {
	return change(sql, store, 'reschedule', appointmentId, command, actor, async (tx, current) => {
		if (!['tentative', 'confirmed', 'noShow'].includes(current.status)) {
			throw notOpen(current, 'rescheduled');
		}
		const card = current.card;
		if (card && !BEFORE_ARRIVAL.includes(card.column)) throw arrived(current, 'rescheduled');
		if (current.day === command.day && current.start === command.start) {
			throw refuse(
				'sameTime',
				`appointment ${current.id} is already at ${command.day} ${command.start}`,
				current.status
			);
		}

		await day.lockDay(tx, store.id, command.day);
		const [bookingRules, capacityDay, existing, jobs, needs, [vehicle]] = await Promise.all([
			rules.read(tx, store),
			day.capacityDay(tx, store.id, command.day),
			day.bookingsOn(tx, store, command.day, current.id),
			tx<{ code: string }[]>`
				select j.code from appointment_items i join job_types j on j.id = i.job_type_id
				where i.appointment_id = ${current.id} order by i.position`,
			parts.ofAppointment(tx, store.id, current.id),
			tx<{ registeredOn: string | null }[]>`
				select to_char(registered_on, 'YYYY-MM-DD') as "registeredOn" from vehicles
				where id = ${current.vehicleId}`
		]);
		const start = minutesOf(command.start);
		// an appointment booked before job items were kept (or by another writer) is checked by its
		// own labour, as one job of that length
		const codes = jobs.length > 0 ? jobs.map((j) => j.code) : [BOOKED_LABOUR];
		const capacity =
			jobs.length > 0
				? bookingRules.capacity
				: {
						...bookingRules.capacity,
						jobTypes: {
							...bookingRules.capacity.jobTypes,
							[BOOKED_LABOUR]: { labourMinutes: current.labourMinutes, quickBookable: true }
						}
					};
		const check = checkBooking(
			capacityDay,
			capacity,
			existing,
			{
				kind: 'appointment',
				jobTypes: codes,
				vehicleRegisteredOn: vehicle?.registeredOn,
				parts: needs,
				directorOverride: command.override !== undefined,
				start
			},
			current.now
		);
		if (!check.ok) {
			const { ok: _, ...refusal } = check;
			throw new Refused({
				code: 'bookingRefused',
				message: refusalMessage(refusal.reason, command, refusal),
				...refusal
			});
		}
		const scheduledAt = zonedInstant(command.day, start, store.timeZone);
		const backToReady = card?.column === 'confirmed';
		const slot = check;
		await tx`
			update appointments set scheduled_at = ${scheduledAt}, status = 'tentative',
				confirmed_at = null, no_show_at = null, reschedule_count = reschedule_count + 1,
				tier = ${slot.tier}, price_factor_percent = ${slot.priceFactorPercent},
				recommended = ${slot.recommended},
				override_by = ${command.override ? actor.userId : null},
				override_reason = ${command.override?.reason ?? null}
			where id = ${current.id}`;
		if (card) {
			await tx`
				update cards set due_at = ${scheduledAt}, version = version + 1, updated_at = now(),
					-- the director's proposal of a new day is answered by this one
					reschedule_proposed_on = null, reschedule_note = null,
					board_column = ${backToReady ? 'ready' : card.column},
					column_entered_at = ${backToReady ? tx`now()` : tx`column_entered_at`}
				where id = ${card.id}`;
		}
		// the no-show's call to reschedule is done: this is it
		await tx`
			update call_tasks set outcome = 'rescheduled', done_by = ${actor.userId}, done_at = now()
			where appointment_id = ${current.id} and kind = 'noShow' and done_at is null`;
		return {
			event: backToReady
					? { type: 'card:moved', from: 'confirmed' }
					: { type: 'card:updated', kind: 'rescheduled' },
			audit: {
				from: { day: current.day, start: current.start, status: current.status },
				to: { day: command.day, start: command.start },
				tier: slot.tier,
				priceFactorPercent: slot.priceFactorPercent,
				...(command.override
					? { override: { reason: command.override.reason, needed: slot.overridden } }
					: {}),
				...(backToReady ? { card: { from: 'confirmed', to: 'ready' } } : {})
			}
		};
	});
}

export function cancel(
	sql: Sql,
	store: Store,
	appointmentId: number,
	command: CancelCommand,
	actor: ChangeActor
): Promise<ChangeAnswer> {
	return change(sql, store, 'cancel', appointmentId, command, actor, async (tx, current) => {
		if (!['tentative', 'confirmed', 'noShow'].includes(current.status)) {
			throw notOpen(current, 'cancelled');
		}
		const card = current.card;
		if (card && !BEFORE_ARRIVAL.includes(card.column)) throw arrived(current, 'cancelled');

		let returned: { partNo: string; quantity: number }[] = [];
		let stillOrdered: string[] = [];
		if (card) {
			// lines in part_no order, so two cancellations lock shared parts rows in one order
			const lines = await tx<{ id: number; partNo: string; quantity: number; status: string }[]>`
				select id::int, part_no as "partNo", quantity, status from card_parts
				where card_id = ${card.id} order by part_no, id for update`;
			const onShelf = lines.filter((l) => ['reserved', 'picked', 'arrived'].includes(l.status));
			stillOrdered = lines.filter((l) => l.status === 'ordered').map((l) => l.partNo);
			if (onShelf.length > 0) {
				// back in stock (退库 / 上架): only parts the store keeps (a line for a part not in the
				// store's list, typed by hand, has no shelf to go back to and stays as it is)
				returned = await tx<{ partNo: string; quantity: number }[]>`
					with back as (
						select l.part_no, sum(l.quantity)::int as quantity
						from card_parts l
						where l.id = any(${onShelf.map((l) => l.id)}::bigint[])
						group by l.part_no
					), stocked as (
						update parts p set on_hand = p.on_hand + back.quantity
						from back where p.store_id = ${store.id} and p.part_no = back.part_no
						returning p.part_no, back.quantity
					), lines as (
						update card_parts set status = 'inStock', eta = null
						where id = any(${onShelf.map((l) => l.id)}::bigint[])
							and part_no in (select part_no from stocked)
					)
					select part_no as "partNo", quantity from stocked order by part_no`;
			}
			await tx`
				update cards set archived_at = now(), cancelled_at = now(), version = version + 1,
					updated_at = now()
				where id = ${card.id}`;
		}
		await tx`
			update appointments set status = 'cancelled', cancelled_at = now(),
				cancel_reason = ${command.reason}
			where id = ${current.id}`;
		// the calls about this appointment are moot
		await tx`
			update call_tasks set outcome = 'appointmentCancelled', done_by = ${actor.userId}, done_at = now()
			where store_id = ${store.id} and appointment_id = ${current.id} and done_at is null`;
		return {
			event: { type: 'card:archived', reason: 'cancelled' },
			audit: {
				reason: command.reason,
				day: current.day,
				start: current.start,
				workOrder: card ? 'cancelled' : null,
				returnedParts: returned,
				stillOrdered
			},
			extra: { parts: { returned, stillOrdered } }
		};
	});
}

export function markNoShow(
	sql: Sql,
	store: Store,
	appointmentId: number,
	command: NoShowCommand,
	actor: ChangeActor
): Promise<ChangeAnswer> {
	return change(sql, store, 'noShow', appointmentId, command, actor, async (tx, current) => {
		if (!['tentative', 'confirmed'].includes(current.status)) throw notOpen(current, 'a no-show');
		if (current.scheduledAt > current.now) {
			throw refuse(
				'notYetDue',
				`appointment ${current.id} is at ${current.day} ${current.start}: not a no-show before then`,
				current.status
			);
		}
		if (current.card && !BEFORE_ARRIVAL.includes(current.card.column)) {
			throw arrived(current, 'a no-show');
		}
		const bookingRules = await rules.read(tx, store);
		const calendar = bookingRules.reminders.calendar;
		// reminders.ts's reschedule call: from the next workday, within the store's days
		const from = workdayOnOrAfter(addDays(current.day, 1), calendar);
		const last = addDays(current.day, bookingRules.reminders.reminders.rescheduleWithinDays);
		const dueOn = last > from ? last : from;
		await tx`
			update appointments set status = 'noShow', no_show_at = now() where id = ${current.id}`;
		if (current.card) {
			await tx`update cards set version = version + 1, updated_at = now() where id = ${current.card.id}`;
		}
		await tx`
			insert into call_tasks (store_id, kind, customer_id, vehicle_id, appointment_id, card_id,
				due_on, about_on, note)
			values (${store.id}, 'noShow', ${current.customerId}, ${current.vehicleId}, ${current.id},
				${current.card?.id ?? null}, ${dueOn}, ${current.day}, ${command.note ?? null})
			on conflict (appointment_id) where kind = 'noShow' do nothing`;
		const [{ noShows }] = await tx<{ noShows: number }[]>`
			select count(*)::int as "noShows" from appointments
			where customer_id = ${current.customerId} and store_id = ${store.id} and status = 'noShow'`;
		return {
			event: { type: 'card:updated', kind: 'noShow' },
			audit: {
				day: current.day,
				start: current.start,
				today: storeToday(current, store.timeZone),
				note: command.note ?? null,
				callDueOn: dueOn,
				noShows
			},
			extra: { noShows }
		};
	});
}
