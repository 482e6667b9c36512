import type { BoardCard, Column } from '$lib/domain/board';
import { checkMove } from '$lib/domain/transitions';
import type { Ack, CardMovedEvent, MoveCommand, MoveResult } from '$lib/realtime/contract';
import type { Sql } from '../db/connect';
import { deadlineInColumn } from '../cards/prep';
import { pipelinedTransaction } from '../db/pipelined';
import type { CardCache } from './cardCache';

/** Who issued a command, and from where: what the audit row records. */
export interface Actor {
	userId: number | null;
	label: string;
	/** e.g. "socket 127.0.0.1 inst-a" or "http 127.0.0.1" */
	source: string;
	/** whether this actor may make this move (roles limited to some moves); absent: any move */
	mayMove?: (move: { from: Column; to: Column }) => boolean;
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
 *
 * `cards`: the cards this instance holds (cardCache.ts). A card held at the expected version moves
 * in one round trip (moveKept); any other move, and any the kept card would refuse, reads the
 * card first (moveRead). Both write the same rows; the cache learns the card either way.
 */
export async function moveCard(
	sql: Sql,
	storeId: number,
	command: MoveCommand,
	actor: Actor,
	cards?: CardCache
): Promise<Ack<MoveResult>> {
	try {
		const kept = cards?.at(command.cardId, command.expectedVersion);
		const direct = kept && (await moveKept(sql, storeId, command, actor, kept));
		if (direct) {
			cards!.moves.direct++;
			cards!.see(direct.event.card);
			return { ok: true, data: direct };
		}
		const result = await moveRead(sql, storeId, command, actor).catch((error) => {
			if (error instanceof Refused) return error.ack;
			throw error;
		});
		if (cards) {
			cards.moves.read++;
			if (result.ok) cards.see(result.data.event.card);
			else if ('card' in result.error && result.error.card) cards.see(result.error.card);
		}
		return result;
	} catch (error) {
		// a concurrent retry with the same key committed first: hand back its result
		if (isUniqueViolation(error, 'command_results_pkey')) {
			const [done] = await sql<{ result: CardMovedEvent }[]>`
				select result from command_results
				where store_id = ${storeId} and idempotency_key = ${command.idempotencyKey}`;
			if (done) return replay(done.result, command, actor);
		}
		throw error;
	}
}

/**
 * The move in one round trip, for a card this instance holds at the expected version (cardCache.ts):
 * the rules are checked on the kept card, and one statement, committed on its own, writes what
 * moveRead writes, but only if the card is still at that version in this store, not archived, and
 * the key unused. Null when it did not write (the kept card was not the card any more, a retry, a
 * lost race) or when the kept card would be refused: the caller then reads the card first, so a
 * refusal always rests on the card as the database has it (and never shows a kept card of another
 * store). Moves into and out of prep take the other way too: their deadline reads the folder.
 *
 * The card it sends out is the board's view of the card before the statement (the same snapshot
 * the version was checked against) with what the move changed: the names the view joins in come
 * from the database, not from the kept card.
 */
async function moveKept(
	sql: Sql,
	storeId: number,
	command: MoveCommand,
	actor: Actor,
	kept: BoardCard
): Promise<MoveResult | null> {
	const { to } = command;
	if (kept.column === 'prep' || to === 'prep') return null;
	if (actor.mayMove && !actor.mayMove({ from: kept.column, to })) return null;
	const check = checkMove(kept, to);
	if (!check.ok) return null;
	// a QC round starts clean: entering QC, or sent back from it
	const resetQc = to === 'qc' || check.rework;
	const version = command.expectedVersion + 1;
	const changed = {
		column: to,
		version,
		reworkCount: kept.reworkCount + (check.rework ? 1 : 0),
		...(resetQc ? { qc: { self: false, lead: false, final: false } } : {})
	};
	const audit = { from: kept.column, to, version, rework: check.rework };
	const [row] = await sql<{ event: CardMovedEvent }[]>`
		with moved as (
			update cards set
				board_column = ${to},
				version = ${version},
				rework_count = rework_count + ${check.rework ? 1 : 0},
				column_entered_at = now(),
				qc_self = qc_self and not ${resetQc}, qc_lead = qc_lead and not ${resetQc},
				qc_final = qc_final and not ${resetQc},
				qc_self_by = case when qc_self and not ${resetQc} then qc_self_by end,
				updated_at = now()
			where id = ${command.cardId} and store_id = ${storeId} and version = ${command.expectedVersion}
				and archived_at is null
				and not exists (select 1 from command_results
					where store_id = ${storeId} and idempotency_key = ${command.idempotencyKey})
			returning id
		), next as (
			insert into store_sequences (store_id, last_seq) select ${storeId}, 1 from moved
			on conflict (store_id) do update set last_seq = store_sequences.last_seq + 1
			returning last_seq
		), event as (
			select next.last_seq, jsonb_build_object(
				'seq', next.last_seq, 'type', 'card:moved', 'from', ${kept.column}::text,
				'at', iso_utc(now()), 'actor', ${actor.label}::text,
				'card', v.card::jsonb || ${sql.json(changed)}::jsonb
					|| jsonb_build_object('columnEnteredAt', iso_utc(now()))) as payload
			from next cross join board_card_view v
			where v.id = ${command.cardId}
		), ${written(sql, storeId, command, actor, audit)}
		select payload as event from event`;
	return row ? { event: row.event, replayed: false } : null;
}

/** The move that reads the card first (locked), then writes: two round trips. */
async function moveRead(
	sql: Sql,
	storeId: number,
	command: MoveCommand,
	actor: Actor
): Promise<Ack<MoveResult>> {
	// two round trips: BEGIN and the reads below, then the write and COMMIT (pipelined.ts)
	return await pipelinedTransaction(sql, async (tx, commitWith) => {
		// One pipelined round trip, run by Postgres in this order:
		// - retries of one key wait for each other here, so the later one finds the first one's
		//   committed result instead of racing it to the card (and losing with a conflict);
		// - the card is locked, then read by new statements: a statement that waited for the lock
		//   would see the view's other columns (the version among them) as they were before a
		//   concurrent move committed, and the key's result as it was before a retry that took
		//   the one-round-trip way (moveKept, which takes no key lock) committed.
		const [, [locked], [done], [current]] = await Promise.all([
			tx`select pg_advisory_xact_lock(hashtextextended(${command.idempotencyKey}, ${storeId}))`,
			tx`
				select id from cards
				where id = ${command.cardId} and store_id = ${storeId} and archived_at is null
				for update`,
			tx<{ result: CardMovedEvent }[]>`
				select result from command_results
				where store_id = ${storeId} and idempotency_key = ${command.idempotencyKey}`,
			tx<{ card: BoardCard; now: string; appointmentStatus: string | null }[]>`
				select card, iso_utc(now()) as now,
					(select a.status from cards c join appointments a on a.id = c.appointment_id
					 where c.id = v.id) as "appointmentStatus"
				from board_card_view v
				where id = ${command.cardId} and store_id = ${storeId} and archived_at is null`
		]);
		if (done) return replay(done.result, command, actor);
		if (!locked || !current) {
			throw refuse({ code: 'cardNotFound', message: `card ${command.cardId} is not on this board` });
		}
		const card = current.card;
		if (actor.mayMove && !actor.mayMove({ from: card.column, to: command.to })) {
			throw refuse({
				code: 'forbidden',
				message: `${actor.label} may not move a card from ${card.column} to ${command.to}`
			});
		}
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

		// prep done for a customer who already confirmed on the call (the card waited in prep):
		// it lands where the flow puts it, in 预约确认
		const to = landing(card.column, command.to, current.appointmentStatus);
		// a move into or out of prep changes which prep rules apply (the folder is prep's own)
		const prepDueAt =
			card.column === 'prep' || to === 'prep'
				? await deadlineInColumn(tx, storeId, card.id, to, new Date(current.now))
				: card.prepDueAt;
		// The card as the update below leaves it (now() is the transaction's time, fixed above);
		// the tests compare it with what the view reads afterwards.
		const after: BoardCard = {
			...card,
			column: to,
			version: card.version + 1,
			reworkCount: card.reworkCount + (check.rework ? 1 : 0),
			columnEnteredAt: current.now,
			// a QC round starts clean: entering QC, or sent back from it
			qc: to === 'qc' || check.rework ? { self: false, lead: false, final: false } : card.qc,
			prepDueAt
		};
		const event: Omit<CardMovedEvent, 'seq'> = {
			type: 'card:moved',
			card: after,
			from: card.column,
			at: current.now,
			actor: actor.label
		};
		const audit = {
			from: card.column,
			to,
			version: after.version,
			rework: check.rework,
			...(to !== command.to ? { requested: command.to, customerConfirmed: true } : {})
		};
		// One statement: the store's next sequence number, the card, and what `written` writes.
		const [{ seq }] = await commitWith(tx<{ seq: number }[]>`
			with next as (
				insert into store_sequences (store_id, last_seq) values (${storeId}, 1)
				on conflict (store_id) do update set last_seq = store_sequences.last_seq + 1
				returning last_seq
			), moved as (
				update cards set
					board_column = ${to},
					version = ${after.version},
					rework_count = ${after.reworkCount},
					column_entered_at = now(),
					qc_self = ${after.qc.self}, qc_lead = ${after.qc.lead}, qc_final = ${after.qc.final},
					qc_self_by = case when ${after.qc.self} then qc_self_by end,
					prep_due_at = ${prepDueAt},
					updated_at = now()
				where id = ${card.id}
			), event as (
				select last_seq, ${tx.json(event as never)}::jsonb || jsonb_build_object('seq', last_seq) as payload
				from next
			), ${written(tx, storeId, command, actor, audit)}
			select last_seq::int as seq from next`);
		return { ok: true as const, data: { event: { seq, ...event }, replayed: false } };
	});
}

/**
 * What every committed move writes besides the card, as the CTEs of its one statement, from a CTE
 * `event (last_seq, payload)` before them: the event in the store's log, its audit row, and the
 * key's idempotency record (the event as logged: its JSON is sent once).
 */
function written(q: Sql, storeId: number, command: MoveCommand, actor: Actor, audit: object) {
	return q`
		logged as (
			insert into board_events (store_id, seq, type, card_id, payload)
			select ${storeId}, last_seq, 'card:moved', ${command.cardId}, payload from event
		), audited as (
			insert into audit_log (store_id, card_id, seq, actor_user_id, actor_label, action, detail, source)
			select ${storeId}, ${command.cardId}, last_seq, ${actor.userId}, ${actor.label}, 'card.move',
				${q.json(audit as never)}, ${actor.source}
			from event
		), recorded as (
			insert into command_results (store_id, idempotency_key, result)
			select ${storeId}, ${command.idempotencyKey}, payload from event
		)`;
}

/**
 * The first result of a key, unless the key was reused for another command, or the move is one
 * this actor may not make (someone else's key): then a refusal, not the other command's result.
 */
function replay(event: CardMovedEvent, command: MoveCommand, actor: Actor): Ack<MoveResult> {
	// the key's first command was not a move at all (a card edit, a booking)
	if (event.type !== 'card:moved') {
		return {
			ok: false,
			error: {
				code: 'invalidInput',
				message: `idempotencyKey ${command.idempotencyKey} was already used for another command`
			}
		};
	}
	if (actor.mayMove && !actor.mayMove({ from: event.from, to: event.card.column })) {
		return {
			ok: false,
			error: {
				code: 'forbidden',
				message: `${actor.label} may not move a card from ${event.from} to ${event.card.column}`
			}
		};
	}
	if (
		event.card.id !== command.cardId ||
		event.card.column !== landing(event.from, command.to, event.card.column === 'confirmed' ? 'confirmed' : null)
	) {
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

/**
 * Where a move lands: where it was sent, except prep → ready for an appointment the customer has
 * already confirmed (the confirmation call reached them while the folder was still being made),
 * which goes on to 预约确认 — the column the flow would put it in one step later anyway.
 */
function landing(from: Column, to: Column, appointmentStatus: string | null): Column {
	return from === 'prep' && to === 'ready' && appointmentStatus === 'confirmed' ? 'confirmed' : to;
}

function isUniqueViolation(error: unknown, constraint: string): boolean {
	const e = error as { code?: string; constraint_name?: string };
	return e?.code === '23505' && e.constraint_name === constraint;
}
