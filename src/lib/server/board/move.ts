import type { BoardCard } from '$lib/domain/board';
import { checkMove } from '$lib/domain/transitions';
import type { Ack, BoardEvent, MoveCommand, MoveResult } from '$lib/realtime/contract';
import type { Sql } from '../db/connect';

/** Who issued a command, and from where: what the audit row records. */
export interface Actor {
	userId: number | null;
	label: string;
	/** e.g. "socket 127.0.0.1 inst-a" or "http 127.0.0.1" */
	source: string;
}

class Refused extends Error {
	constructor(readonly ack: Extract<Ack<never>, { ok: false }>) {
		super(ack.error.message);
	}
}

const refuse = (error: Extract<Ack<never>, { ok: false }>['error']) =>
	new Refused({ ok: false, error });

/**
 * Moves a card to another column. One transaction holds the version check, the card update, the
 * event with the store's next sequence number, the audit row and the idempotency record; the
 * result is returned only after COMMIT, so an acknowledged move is a committed move (G1, G2, G3).
 */
export async function moveCard(
	sql: Sql,
	storeId: number,
	command: MoveCommand,
	actor: Actor
): Promise<Ack<MoveResult>> {
	try {
		return await sql.begin(async (tx) => {
			// Retries of one key wait here for each other, so the later one sees the first one's
			// committed result below instead of racing it to the card (and losing with a conflict).
			await tx`
				select pg_advisory_xact_lock(hashtextextended(${command.idempotencyKey}, ${storeId}))`;
			const [done] = await tx<{ result: BoardEvent }[]>`
				select result from command_results
				where store_id = ${storeId} and idempotency_key = ${command.idempotencyKey}`;
			if (done) return replay(done.result, command);

			// Lock the card first, then read it in a new statement: a statement that waited for the
			// lock re-checks only the locked row, and would return the view's other columns (the
			// version among them) as they were before the concurrent move committed.
			const [locked] = await tx`
				select id from cards
				where id = ${command.cardId} and store_id = ${storeId} and archived_at is null
				for update`;
			if (!locked) {
				throw refuse({ code: 'cardNotFound', message: `card ${command.cardId} is not on this board` });
			}
			const [current] = await tx<{ card: BoardCard }[]>`
				select card from board_card_view where id = ${command.cardId}`;
			const card = current.card;
			if (card.version !== command.expectedVersion) {
				throw refuse({
					code: 'versionConflict',
					message: `card ${card.id} is at version ${card.version}, not ${command.expectedVersion}: someone moved it first`,
					card
				});
			}
			const check = checkMove(card, command.to);
			if (!check.ok) {
				throw refuse({
					code: 'moveRefused',
					message: `card ${card.id} cannot move from ${card.column} to ${command.to}: ${check.reason}`,
					reason: check.reason,
					card
				});
			}

			const [{ seq }] = await tx<{ seq: number }[]>`
				insert into store_sequences (store_id, last_seq) values (${storeId}, 1)
				on conflict (store_id) do update set last_seq = store_sequences.last_seq + 1
				returning last_seq::int as seq`;
			const [{ at }] = await tx<{ at: string }[]>`
				update cards set
					board_column = ${command.to},
					version = version + 1,
					rework_count = rework_count + ${check.rework ? 1 : 0},
					column_entered_at = now(),
					updated_at = now()
				where id = ${card.id}
				returning iso_utc(now()) as at`;
			const [{ card: after }] = await tx<{ card: BoardCard }[]>`
				select card from board_card_view where id = ${card.id}`;
			const event: BoardEvent = {
				seq,
				type: 'card:moved',
				card: after,
				from: card.column,
				at,
				actor: actor.label
			};
			await tx`
				insert into board_events (store_id, seq, type, card_id, payload)
				values (${storeId}, ${seq}, ${event.type}, ${card.id}, ${tx.json(event as never)})`;
			await tx`
				insert into audit_log (store_id, card_id, seq, actor_user_id, actor_label, action, detail, source)
				values (${storeId}, ${card.id}, ${seq}, ${actor.userId}, ${actor.label}, 'card.move',
					${tx.json({ from: card.column, to: command.to, version: after.version, rework: check.rework })},
					${actor.source})`;
			await tx`
				insert into command_results (store_id, idempotency_key, result)
				values (${storeId}, ${command.idempotencyKey}, ${tx.json(event as never)})`;
			return { ok: true as const, data: { event, replayed: false } };
		});
	} catch (error) {
		if (error instanceof Refused) return error.ack;
		// a concurrent retry with the same key committed first: hand back its result
		if (isUniqueViolation(error, 'command_results_pkey')) {
			const [done] = await sql<{ result: BoardEvent }[]>`
				select result from command_results
				where store_id = ${storeId} and idempotency_key = ${command.idempotencyKey}`;
			if (done) return replay(done.result, command);
		}
		throw error;
	}
}

/** The first result of a key, unless the key was reused for another command. */
function replay(event: BoardEvent, command: MoveCommand): Ack<MoveResult> {
	if (event.card.id !== command.cardId || event.card.column !== command.to) {
		return {
			ok: false,
			error: {
				code: 'invalidInput',
				message: `idempotencyKey ${command.idempotencyKey} was already used for another command`
			}
		};
	}
	return { ok: true, data: { event, replayed: true } };
}

function isUniqueViolation(error: unknown, constraint: string): boolean {
	const e = error as { code?: string; constraint_name?: string };
	return e?.code === '23505' && e.constraint_name === constraint;
}
