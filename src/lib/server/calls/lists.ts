import { addDays, localDate, workdayOnOrAfter, type DateKey } from '$lib/domain/calendar';
import {
	followUpCall,
	nextServiceDue,
	workListsFor,
	WORK_LISTS,
	type CallOutcome,
	type ListAppointment,
	type ReminderVehicle,
	type WorkList,
	type WorkListEntry
} from '$lib/domain/reminders';
import type { Sql } from '../db/connect';
import * as rules from '../appointments/rules';

/** One line of a call list, with whom to call and about what. */
export interface CallEntry extends WorkListEntry {
	/** the call_tasks row (follow-up and no-show calls are rows before they are done) */
	taskId: number | null;
	customer: { id: number; name: string; surname: string; title: string; phone: string };
	vehicle: { id: number; plate: string; model: string; mileageKm: number };
	/** the appointment the call is about: its local day and time, status */
	appointment: { id: number; day: string; start: string; status: string } | null;
	/** reminders: the km the service is due at */
	dueKm: number | null;
}

export interface CallLists {
	today: DateKey;
	lists: Record<WorkList, CallEntry[]>;
	/** this month's no-shows, and the appointments that were due this month so far */
	noShows: { month: string; count: number; due: number };
}

/** Kinds of call_tasks rows that tick off a reminder list entry. */
const VEHICLE_KIND = { message: 'reminderMessage', reminderCall: 'reminderCall', secondCall: 'secondCall' } as const;

/**
 * The day's call lists of a store (reminders.ts over its vehicles and appointments):
 * - reminder messages (13 days before the service is due), reminder calls (11 days before), second
 *   calls for the undecided — over every vehicle with a service on file and no open appointment;
 *   ticked off by call_tasks rows about that due date;
 * - confirmation calls, 2 days before each tentative appointment;
 * - follow-up calls (回访) and no-show calls: their call_tasks rows (a handover makes the first,
 *   a no-show the second), from the day reminders.ts puts them on until their due day.
 */
export async function forDay(
	sql: Sql,
	store: { id: number; timeZone: string },
	day: DateKey = localDate(Date.now(), store.timeZone)
): Promise<CallLists> {
	const bookingRules = await rules.read(sql, store);
	const storeRules = bookingRules.reminders;
	const [vehicles, ticks, appointments, tasks, [noShows]] = await Promise.all([
		sql<
			{
				id: number;
				lastServiceOn: string;
				lastServiceKm: number | null;
				mileageKm: number;
				booked: boolean;
			}[]
		>`
			select v.id::int, to_char(v.last_service_on, 'YYYY-MM-DD') as "lastServiceOn",
				v.last_service_km as "lastServiceKm", v.mileage_km as "mileageKm",
				exists (select 1 from appointments a where a.vehicle_id = v.id
						and a.status in ('tentative', 'confirmed', 'noShow'))
					or exists (select 1 from cards c where c.vehicle_id = v.id and c.archived_at is null)
					as booked
			from vehicles v where v.store_id = ${store.id} and v.last_service_on is not null`,
		sql<{ vehicleId: number; kind: string; about: string; outcome: string; doneOn: string }[]>`
			select vehicle_id::int as "vehicleId", kind, to_char(about_on, 'YYYY-MM-DD') as about, outcome,
				to_char(done_at at time zone ${store.timeZone}, 'YYYY-MM-DD') as "doneOn"
			from call_tasks
			where store_id = ${store.id} and kind in ('reminderMessage', 'reminderCall', 'secondCall')
				and done_at is not null and about_on >= ${addDays(day, -400)}`,
		sql<{ id: number; vehicleId: number; scheduledAt: Date; status: ListAppointment['status']; confirmationCalled: boolean }[]>`
			select a.id::int, a.vehicle_id::int as "vehicleId", a.scheduled_at as "scheduledAt", a.status,
				exists (select 1 from call_tasks t where t.appointment_id = a.id
					and t.kind = 'confirmationCall' and t.done_at is not null) as "confirmationCalled"
			from appointments a
			where a.store_id = ${store.id} and a.status = 'tentative'
				and a.scheduled_at >= ${new Date(Date.parse(day) - 86_400_000)}
				and a.scheduled_at < ${new Date(Date.parse(day) + 40 * 86_400_000)}`,
		sql<{ id: number; kind: 'followUp' | 'noShow'; vehicleId: number | null; customerId: number; appointmentId: number | null; dueOn: string; aboutOn: string | null; createdOn: string }[]>`
			select id::int, kind, vehicle_id::int as "vehicleId", customer_id::int as "customerId",
				appointment_id::int as "appointmentId", to_char(due_on, 'YYYY-MM-DD') as "dueOn",
				to_char(about_on, 'YYYY-MM-DD') as "aboutOn",
				to_char(created_at at time zone ${store.timeZone}, 'YYYY-MM-DD') as "createdOn"
			from call_tasks
			where store_id = ${store.id} and kind in ('followUp', 'noShow') and done_at is null
				and due_on >= ${day}`,
		sql<{ count: number; due: number }[]>`
			select count(*) filter (where status = 'noShow')::int as count,
				count(*) filter (where status <> 'cancelled')::int as due
			from appointments
			where store_id = ${store.id}
				and (scheduled_at at time zone ${store.timeZone})::date >= date_trunc('month', ${day}::date)
				and scheduled_at < now()`
	]);

	// what is already ticked off, for each vehicle's current due date
	const tickOf = new Map(ticks.map((t) => [`${t.vehicleId} ${t.kind} ${t.about}`, t]));
	const reminderVehicles: ReminderVehicle[] = vehicles.map((v) => {
		const history = { lastServiceOn: v.lastServiceOn, lastServiceKm: v.lastServiceKm ?? 0 };
		const due = nextServiceDue(history, storeRules).date;
		const tick = (kind: string) => tickOf.get(`${v.id} ${kind} ${due}`);
		return {
			vehicleId: v.id,
			history,
			booked: v.booked,
			done: {
				messageSentOn: tick('reminderMessage')?.doneOn ?? null,
				reminderCall: (tick('reminderCall')?.outcome as CallOutcome | undefined) ?? null,
				secondCall: (tick('secondCall')?.outcome as CallOutcome | undefined) ?? null
			}
		};
	});
	const computed = workListsFor(
		day,
		{
			vehicles: reminderVehicles,
			appointments: appointments.map((a) => ({
				appointmentId: a.id,
				vehicleId: a.vehicleId,
				scheduledAt: a.scheduledAt,
				status: a.status,
				done: { confirmationCall: a.confirmationCalled }
			}))
		},
		storeRules
	);
	// follow-up and no-show calls are rows: on the list from the day reminders.ts says, to their due day
	for (const task of tasks) {
		const about = task.aboutOn ?? task.createdOn;
		const date =
			task.kind === 'followUp'
				? followUpCall(about, storeRules).date
				: workdayOnOrAfter(addDays(about, 1), storeRules.calendar);
		if (date > day) continue;
		(task.kind === 'followUp' ? computed.followUpCall : computed.rescheduleCall).push({
			list: task.kind === 'followUp' ? 'followUpCall' : 'rescheduleCall',
			vehicleId: task.vehicleId ?? 0,
			appointmentId: task.appointmentId,
			date,
			deadline: task.dueOn,
			about,
			carriedOver: date < day,
			taskId: task.id
		} as WorkListEntry & { taskId: number });
	}

	const dueKmOf = new Map(
		reminderVehicles.map((v) => [v.vehicleId, nextServiceDue(v.history, storeRules).dueKm])
	);
	const entries = WORK_LISTS.flatMap((list) => computed[list]);
	const details = await describe(sql, store, entries);
	const lists = Object.fromEntries(
		WORK_LISTS.map((list) => [
			list,
			computed[list]
				.map((entry) => details(entry, dueKmOf))
				.filter((e): e is CallEntry => e !== null)
		])
	) as Record<WorkList, CallEntry[]>;
	return {
		today: day,
		lists,
		noShows: { month: day.slice(0, 7), count: noShows.count, due: noShows.due }
	};
}

/** Names, phones, plates and appointment times for the entries, in one read each. */
async function describe(sql: Sql, store: { id: number; timeZone: string }, entries: WorkListEntry[]) {
	const vehicleIds = [...new Set(entries.map((e) => e.vehicleId))];
	const appointmentIds = [...new Set(entries.map((e) => e.appointmentId).filter((id): id is number => id !== null))];
	const [vehicles, appointments] = await Promise.all([
		sql<{ id: number; plate: string; model: string; mileageKm: number; customer: CallEntry['customer'] }[]>`
			select v.id::int, v.plate, v.model, v.mileage_km as "mileageKm",
				json_build_object('id', c.id, 'name', c.name, 'surname', c.surname, 'title', c.title,
					'phone', c.phone) as customer
			from vehicles v join customers c on c.id = v.customer_id
			where v.store_id = ${store.id} and v.id = any(${vehicleIds}::bigint[])`,
		sql<{ id: number; day: string; start: string; status: string }[]>`
			select id::int, to_char(scheduled_at at time zone ${store.timeZone}, 'YYYY-MM-DD') as day,
				to_char(scheduled_at at time zone ${store.timeZone}, 'HH24:MI') as start, status
			from appointments where store_id = ${store.id} and id = any(${appointmentIds}::bigint[])`
	]);
	const vehicleOf = new Map(vehicles.map((v) => [v.id, v]));
	const appointmentOf = new Map(appointments.map((a) => [a.id, a]));
	return (entry: WorkListEntry & { taskId?: number }, dueKmOf: Map<number, number>): CallEntry | null => {
		const vehicle = vehicleOf.get(entry.vehicleId);
		if (!vehicle) return null;
		const { customer, ...car } = vehicle;
		return {
			...entry,
			taskId: entry.taskId ?? null,
			customer,
			vehicle: car,
			appointment: entry.appointmentId === null ? null : (appointmentOf.get(entry.appointmentId) ?? null),
			dueKm: entry.appointmentId === null ? (dueKmOf.get(entry.vehicleId) ?? null) : null
		};
	};
}
