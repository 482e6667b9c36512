import type postgres from 'postgres';
import type { BoardEvent } from '$lib/realtime/contract';

/** Who wrote a change and from where: what its audit row records. */
export interface AuditActor {
	userId: number | null;
	label: string;
	/** e.g. "http 127.0.0.1 inst-a" */
	source: string;
}

/**
 * One statement inside a writer's transaction: the store's next sequence number (commit order,
 * gap-free), the card's event with that number, its audit row (the card's history) and, for the
 * command itself, its idempotency record: `result` with the number at `seq` (and in the event
 * the result holds, at `eventAt`, e.g. ['event']). Every change of what a board shows goes through here or the
 * move's own statement, so the snapshot cache's invariant holds (snapshots.ts).
 */
export async function appendEvent(
	tx: postgres.TransactionSql,
	storeId: number,
	cardId: number,
	event: Omit<BoardEvent, 'seq'>,
	record: {
		action: string;
		audit: object;
		actor: AuditActor;
		/** the command's idempotency record; none for a change that came with another card's */
		idempotency?: { key: string; result: object; eventAt?: readonly string[] };
	}
): Promise<number> {
	const { actor, idempotency } = record;
	const [{ seq }] = await tx<{ seq: number }[]>`
		with next as (
			insert into store_sequences (store_id, last_seq) values (${storeId}, 1)
			on conflict (store_id) do update set last_seq = store_sequences.last_seq + 1
			returning last_seq
		), logged as (
			insert into board_events (store_id, seq, type, card_id, payload)
			select ${storeId}, last_seq, ${event.type}, ${cardId},
				${tx.json(event as never)}::jsonb || jsonb_build_object('seq', last_seq)
			from next
		), audited as (
			insert into audit_log (store_id, card_id, seq, actor_user_id, actor_label, action, detail, source)
			select ${storeId}, ${cardId}, last_seq, ${actor.userId}, ${actor.label}, ${record.action},
				${tx.json(record.audit as never)}, ${actor.source}
			from next
		), recorded as (
			insert into command_results (store_id, idempotency_key, result)
			select ${storeId}, ${idempotency?.key ?? null},
				(case when ${idempotency?.eventAt ? [...idempotency.eventAt, 'seq'] : null}::text[] is null
					then ${tx.json((idempotency?.result ?? {}) as never)}::jsonb
					else jsonb_set(${tx.json((idempotency?.result ?? {}) as never)}::jsonb,
						${idempotency?.eventAt ? [...idempotency.eventAt, 'seq'] : null}::text[], to_jsonb(last_seq)) end)
					|| jsonb_build_object('seq', last_seq)
			from next where ${idempotency?.key ?? null}::text is not null
		)
		select last_seq::int as seq from next`;
	return seq;
}
