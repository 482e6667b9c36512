/**
 * BENCH-ONLY EXPERIMENT: src/lib/server/board/move.ts with three local changes and nothing else, to
 * measure what they would save (the app does not use this file):
 *  1. the moved card is the locked card patched in JS (column, version, reworkCount,
 *     columnEnteredAt) instead of a second read of board_card_view after the update;
 *  2. the sequence upsert and the card update are one statement (data-modifying CTEs);
 *  3. the three inserts (event, audit row, command result) are sent together: postgres.js pipelines
 *     queries issued without awaiting each other inside a transaction.
 * 12 round trips become 8; the semantics (locks, order of the checks, one transaction) are the same.
 */
import type { BoardCard } from '../../src/lib/domain/board';
import { checkMove } from '../../src/lib/domain/transitions';
import type { BoardEvent, MoveCommand } from '../../src/lib/realtime/contract';
import type { Sql } from '../../src/lib/server/db/connect';
import type { Actor } from '../../src/lib/server/board/move';

export async function pipelinedMove(sql: Sql, storeId: number, command: MoveCommand, actor: Actor) {
	return sql.begin(async (tx) => {
		await tx`select pg_advisory_xact_lock(hashtextextended(${command.idempotencyKey}, ${storeId}))`;
		const [done] = await tx<{ result: BoardEvent }[]>`
			select result from command_results where store_id = ${storeId} and idempotency_key = ${command.idempotencyKey}`;
		if (done) return { ok: true as const, event: done.result };
		const [locked] = await tx`
			select id from cards where id = ${command.cardId} and store_id = ${storeId} and archived_at is null for update`;
		if (!locked) return { ok: false as const, code: 'cardNotFound' };
		const [current] = await tx<{ card: BoardCard }[]>`select card from board_card_view where id = ${command.cardId}`;
		const card = current.card;
		if (card.version !== command.expectedVersion) return { ok: false as const, code: 'versionConflict', card };
		const check = checkMove(card, command.to);
		if (!check.ok) return { ok: false as const, code: 'moveRefused', card };

		const [{ seq, at }] = await tx<{ seq: number; at: string }[]>`
			with s as (
				insert into store_sequences (store_id, last_seq) values (${storeId}, 1)
				on conflict (store_id) do update set last_seq = store_sequences.last_seq + 1
				returning last_seq
			), u as (
				update cards set board_column = ${command.to}, version = version + 1,
					rework_count = rework_count + ${check.rework ? 1 : 0}, column_entered_at = now(), updated_at = now()
				where id = ${card.id}
				returning iso_utc(now()) as at
			)
			select s.last_seq::int as seq, u.at from s, u`;
		const after: BoardCard = {
			...card,
			column: command.to,
			version: card.version + 1,
			reworkCount: card.reworkCount + (check.rework ? 1 : 0),
			columnEnteredAt: at
		};
		const event: BoardEvent = { seq, type: 'card:moved', card: after, from: card.column, at, actor: actor.label };
		await Promise.all([
			tx`insert into board_events (store_id, seq, type, card_id, payload)
				values (${storeId}, ${seq}, ${event.type}, ${card.id}, ${tx.json(event as never)})`,
			tx`insert into audit_log (store_id, card_id, seq, actor_user_id, actor_label, action, detail, source)
				values (${storeId}, ${card.id}, ${seq}, ${actor.userId}, ${actor.label}, 'card.move',
					${tx.json({ from: card.column, to: command.to, version: after.version, rework: check.rework })}, ${actor.source})`,
			tx`insert into command_results (store_id, idempotency_key, result)
				values (${storeId}, ${command.idempotencyKey}, ${tx.json(event as never)})`
		]);
		return { ok: true as const, event };
	});
}
