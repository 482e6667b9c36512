import { z } from 'zod';
import { isDateKey, localDate } from '$lib/domain/calendar';
import type { BookingError } from '$lib/realtime/contract';
import type { Sql } from '../db/connect';
import type { Store } from '../db/stores';

/** What each list's tick may say (the confirmation call confirms through …/confirm instead). */
export const OUTCOMES = {
	message: ['sent'],
	reminderCall: ['yes', 'no', 'undecided', 'unreached'],
	secondCall: ['yes', 'no', 'undecided', 'unreached'],
	followUpCall: ['satisfied', 'dissatisfied', 'unreached'],
	rescheduleCall: ['declined']
} as const;
export type TickList = keyof typeof OUTCOMES;

const id = z.number().int().positive().max(2 ** 53);

/** POST /api/stores/:store/calls: one list entry ticked off with its outcome. */
export const tickCommand = z.discriminatedUnion('list', [
	z.strictObject({
		list: z.enum(['message', 'reminderCall', 'secondCall']),
		vehicleId: id,
		/** the service due date the entry is about (each due date is reminded once) */
		about: z.string().refine(isDateKey, 'a date YYYY-MM-DD'),
		outcome: z.enum(['sent', 'yes', 'no', 'undecided', 'unreached']),
		note: z.string().trim().min(1).max(200).optional()
	}),
	z.strictObject({
		list: z.enum(['followUpCall', 'rescheduleCall']),
		taskId: id,
		outcome: z.enum(['satisfied', 'dissatisfied', 'unreached', 'declined']),
		note: z.string().trim().min(1).max(200).optional()
	})
]);
export type TickCommand = z.output<typeof tickCommand>;

export interface TickResult {
	taskId: number;
	outcome: string;
	/** false: it was already ticked off (a second tap, another desk): the first tick stands */
	recorded: boolean;
	/** the message's outbox row */
	outboxId: number | null;
}

const KIND = { message: 'reminderMessage', reminderCall: 'reminderCall', secondCall: 'secondCall' } as const;

/**
 * Ticks off one entry in one transaction. A reminder entry is a new done call_tasks row about the
 * vehicle's due date (once per vehicle, list and due date: a second tick answers with the first);
 * a message tick also writes the message to the outbox (sent by the channel after COMMIT); a
 * follow-up or no-show entry is its row, done. Audited; not a board change (no event).
 */
export async function tick(
	sql: Sql,
	store: Store,
	command: TickCommand,
	actor: { userId: number | null; label: string; source: string }
): Promise<{ ok: true; data: TickResult } | { ok: false; error: BookingError }> {
	const allowed = OUTCOMES[command.list] as readonly string[];
	if (!allowed.includes(command.outcome)) {
		return {
			ok: false,
			error: { code: 'invalidInput', message: `outcome: ${command.list} takes ${allowed.join(', ')}` }
		};
	}
	return sql.begin(async (tx) => {
		let result: TickResult;
		if ('vehicleId' in command) {
			const kind = KIND[command.list];
			await tx`select pg_advisory_xact_lock(hashtextextended(${`call ${command.vehicleId} ${kind} ${command.about}`}, ${store.id}))`;
			const [vehicle] = await tx<{ customerId: number; phone: string; surname: string; title: string; plate: string }[]>`
				select c.id::int as "customerId", c.phone, c.surname, c.title, v.plate
				from vehicles v join customers c on c.id = v.customer_id
				where v.id = ${command.vehicleId} and v.store_id = ${store.id}`;
			if (!vehicle) {
				return { ok: false as const, error: { code: 'vehicleNotFound' as const, message: `vehicle ${command.vehicleId} is not a vehicle of this store` } };
			}
			const [done] = await tx<{ id: number; outcome: string }[]>`
				select id::int, outcome from call_tasks
				where store_id = ${store.id} and vehicle_id = ${command.vehicleId} and kind = ${kind}
					and about_on = ${command.about} and done_at is not null`;
			if (done) return { ok: true as const, data: { taskId: done.id, outcome: done.outcome, recorded: false, outboxId: null } };
			const [row] = await tx<{ id: number }[]>`
				insert into call_tasks (store_id, kind, customer_id, vehicle_id, due_on, about_on, outcome, note,
					done_by, done_at)
				values (${store.id}, ${kind}, ${vehicle.customerId}, ${command.vehicleId},
					${localDate(Date.now(), store.timeZone)}, ${command.about}, ${command.outcome},
					${command.note ?? null}, ${actor.userId}, now())
				returning id::int`;
			let outboxId: number | null = null;
			if (command.list === 'message') {
				const body = `【${store.name}】${vehicle.surname}${vehicle.title}您好，您的爱车${vehicle.plate}预计于${command.about}前后需要保养，欢迎致电或回复预约，我们为您预留工位。`;
				const [message] = await tx<{ id: number }[]>`
					insert into outbox (store_id, channel, recipient, body, customer_id, vehicle_id, call_task_id)
					values (${store.id}, 'sms', ${vehicle.phone}, ${body.slice(0, 1000)}, ${vehicle.customerId},
						${command.vehicleId}, ${row.id})
					returning id::int`;
				outboxId = message.id;
			}
			result = { taskId: row.id, outcome: command.outcome, recorded: true, outboxId };
		} else {
			const kind = command.list === 'followUpCall' ? 'followUp' : 'noShow';
			const [row] = await tx<{ id: number; outcome: string | null; done: boolean }[]>`
				select id::int, outcome, done_at is not null as done from call_tasks
				where id = ${command.taskId} and store_id = ${store.id} and kind = ${kind}
				for update`;
			if (!row) {
				return { ok: false as const, error: { code: 'invalidInput' as const, message: `call ${command.taskId} is not a ${kind} call of this store` } };
			}
			if (row.done) return { ok: true as const, data: { taskId: row.id, outcome: row.outcome!, recorded: false, outboxId: null } };
			await tx`
				update call_tasks set outcome = ${command.outcome}, note = coalesce(${command.note ?? null}, note),
					done_by = ${actor.userId}, done_at = now()
				where id = ${row.id}`;
			result = { taskId: row.id, outcome: command.outcome, recorded: true, outboxId: null };
		}
		await tx`
			insert into audit_log (store_id, actor_user_id, actor_label, action, detail, source)
			values (${store.id}, ${actor.userId}, ${actor.label}, 'calls.tick',
				${tx.json({ ...command, taskId: result.taskId, outboxId: result.outboxId } as never)}, ${actor.source})`;
		return { ok: true as const, data: result };
	});
}
