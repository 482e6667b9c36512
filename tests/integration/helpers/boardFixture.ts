import { randomInt } from 'node:crypto';
import type { BoardCard, Column } from '../../../src/lib/domain/board';
import type { Sql } from '../../../src/lib/server/db/connect';
import * as board from '../../../src/lib/server/db/board';
import * as sessions from '../../../src/lib/server/auth/sessions';
import { COOKIES } from '../../../src/lib/server/auth/principal';

/**
 * Tiny boards for the realtime tests: a store with a few cards, nothing else. Stores get random
 * large ids because every test run shares one Redis, and Socket.IO rooms are named by store id
 * (`store:<id>`): two test databases with a store 1 each would hear each other's broadcasts.
 */
export interface FixtureStore {
	id: number;
	slug: string;
	cardIds: number[];
	/** the `Cookie` header of a signed-in advisor of this store (a real session row) */
	cookie: string;
	advisorId: number;
}

export async function addStore(
	sql: Sql,
	options: { cards: number; column?: Column; label?: string }
): Promise<FixtureStore> {
	const id = randomInt(1_000_000, 2_000_000_000);
	const slug = `${options.label ?? 'rt'}-${id}`;
	return sql.begin(async (tx) => {
		const [group] = await tx<{ id: number }[]>`
			insert into dealer_groups (name) values ('测试集团') returning id::int`;
		await tx`
			insert into stores (id, group_id, slug, name)
			overriding system value values (${id}, ${group.id}, ${slug}, ${'测试店 ' + slug})`;
		const cardIds: number[] = [];
		for (let i = 0; i < options.cards; i++) {
			const [customer] = await tx<{ id: number }[]>`
				insert into customers (store_id, name, surname, title, phone)
				values (${id}, ${'王' + i}, '王', '先生', ${'1380000' + String(i).padStart(4, '0')})
				returning id::int`;
			const [vehicle] = await tx<{ id: number }[]>`
				insert into vehicles (store_id, customer_id, plate, model)
				values (${id}, ${customer.id}, ${'沪A' + String(10000 + i)}, '朗逸') returning id::int`;
			const [card] = await tx<{ id: number }[]>`
				insert into cards (store_id, customer_id, vehicle_id, board_column, due_at, job_summary)
				values (${id}, ${customer.id}, ${vehicle.id}, ${options.column ?? 'prep'},
					now() + ${i + ' minutes'}::interval, '更换前刹车片')
				returning id::int`;
			cardIds.push(card.id);
		}
		const [advisor] = await tx<{ id: number }[]>`
			insert into users (username, display_name) values (${'advisor-' + slug}, '测试顾问')
			returning id::int`;
		await tx`insert into store_roles (user_id, store_id, role) values (${advisor.id}, ${id}, 'advisor')`;
		const session = await sessions.create(tx as unknown as Sql, advisor.id, {
			address: '127.0.0.1',
			userAgent: 'test'
		});
		return { id, slug, cardIds, cookie: `${COOKIES.session}=${session.token}`, advisorId: advisor.id };
	});
}

/** The card as screens see it, straight from the database. */
export async function readCard(sql: Sql, cardId: number): Promise<BoardCard> {
	const [row] = await sql<{ card: BoardCard }[]>`select card from board_card_view where id = ${cardId}`;
	return row.card;
}

export async function eventCount(sql: Sql, storeId?: number): Promise<number> {
	const [{ n }] = storeId
		? await sql<{ n: number }[]>`select count(*)::int as n from board_events where store_id = ${storeId}`
		: await sql<{ n: number }[]>`select count(*)::int as n from board_events`;
	return n;
}

/**
 * Counts of every table a board change writes, to prove that refused input changed nothing. (A
 * refusal itself is audited, with no seq: those rows have no seq and are not counted.)
 */
export async function writeCounts(sql: Sql) {
	const [row] = await sql<{ events: number; audits: number; results: number; versions: number }[]>`
		select
			(select count(*)::int from board_events) as events,
			(select count(*)::int from audit_log where seq is not null) as audits,
			(select count(*)::int from command_results) as results,
			(select coalesce(sum(version), 0)::int from cards) as versions`;
	return row;
}

export const snapshot = (sql: Sql, storeId: number) => board.snapshot(sql, storeId);

/**
 * The invariants of G1–G4 and G10 over the whole database, as a list of violations (empty when
 * all hold), so that a failing test prints what broke.
 */
export async function invariantViolations(sql: Sql): Promise<string[]> {
	const problems: string[] = [];
	const seqs = await sql<{ storeId: number; n: number; lo: number; hi: number; last: number }[]>`
		select s.id::int as "storeId",
			count(e.seq)::int as n,
			coalesce(min(e.seq), 0)::int as lo,
			coalesce(max(e.seq), 0)::int as hi,
			coalesce((select last_seq from store_sequences q where q.store_id = s.id), 0)::int as last
		from stores s left join board_events e on e.store_id = s.id
		group by s.id`;
	for (const s of seqs) {
		if (s.n !== s.hi || (s.n > 0 && s.lo !== 1) || s.hi !== s.last) {
			problems.push(
				`store ${s.storeId}: ${s.n} events, seq ${s.lo}..${s.hi}, store_sequences.last_seq ${s.last}`
			);
		}
	}
	const audits = await sql<{ storeId: number; seq: number; audits: number }[]>`
		select e.store_id::int as "storeId", e.seq::int, count(a.id)::int as audits
		from board_events e
		left join audit_log a on a.store_id = e.store_id and a.seq = e.seq
		group by e.store_id, e.seq having count(a.id) <> 1`;
	for (const a of audits) problems.push(`store ${a.storeId} seq ${a.seq}: ${a.audits} audit rows`);
	const orphans = await sql<{ id: number }[]>`
		select a.id::int from audit_log a
		where a.outcome = 'ok' and a.card_id is not null and not exists (select 1 from board_events e where e.store_id = a.store_id and e.seq = a.seq)`;
	for (const o of orphans) problems.push(`audit row ${o.id} of a card change has no event`);
	const results = await sql<{ storeId: number; seq: number; n: number }[]>`
		select e.store_id::int as "storeId", e.seq::int,
			(select count(*)::int from command_results r
				where r.store_id = e.store_id and (r.result ->> 'seq')::bigint = e.seq) as n
		from board_events e
		-- a change that came with another card's edit (a shared car or customer): that edit's record
		where not exists (select 1 from audit_log a
			where a.store_id = e.store_id and a.seq = e.seq and a.detail ? 'via')`;
	for (const r of results.filter((r) => r.n !== 1)) {
		problems.push(`store ${r.storeId} seq ${r.seq}: ${r.n} command results (idempotency records)`);
	}
	const columns = await sql<{ id: number; column: string | null }[]>`
		select id::int, board_column as column from cards
		where board_column is null
			or board_column not in ('prep', 'ready', 'confirmed', 'inBay', 'qc', 'wash', 'handover')`;
	for (const c of columns) problems.push(`card ${c.id} is in column ${c.column}`);
	// a card starts at version 1 (made by a seed, or by a booking's card:created); each later event
	// of it is one version
	const versions = await sql<{ id: number; version: number; events: number }[]>`
		select c.id::int, c.version, count(e.seq) filter (where e.type <> 'card:created')::int as events
		from cards c left join board_events e on e.card_id = c.id
		group by c.id having c.version - 1 <> count(e.seq) filter (where e.type <> 'card:created')`;
	for (const v of versions) {
		problems.push(`card ${v.id}: version ${v.version} but ${v.events} events`);
	}
	const created = await sql<{ id: number; problem: string }[]>`
		select e.card_id::int as id, 'created at seq ' || e.seq || ' after an earlier event of it' as problem
		from board_events e
		where e.type = 'card:created' and exists (select 1 from board_events o
			where o.store_id = e.store_id and o.card_id = e.card_id and o.seq < e.seq)
		union all
		select e.card_id::int, 'created at version ' || (e.payload -> 'card' ->> 'version')
		from board_events e
		where e.type = 'card:created' and (e.payload -> 'card' ->> 'version')::int <> 1`;
	for (const c of created) problems.push(`card ${c.id}: ${c.problem}`);
	// each card's events form one chain (moves, edits, archiving), ending where the card is
	problems.push(...(await eventChainViolations(sql)));
	return problems;
}

/**
 * The chain of each card's events when cards are edited as well as moved (issue #5): every event of
 * a card (card:moved, card:updated, card:archived) is exactly one version after the previous one; a
 * move starts in the column the previous event left the card in; an edit leaves the column alone,
 * except a failed QC check (card:updated with `from: 'qc'`), which sends it from QC to "in bay";
 * and the card row is what its last event says. Part of `invariantViolations`.
 */
export async function eventChainViolations(sql: Sql): Promise<string[]> {
	const problems: string[] = [];
	const events = await sql<{ cardId: number; seq: number; type: string; from: string | null; to: string; version: number }[]>`
		select card_id::int as "cardId", seq::int, type, payload ->> 'from' as from,
			payload -> 'card' ->> 'column' as to, (payload -> 'card' ->> 'version')::int as version
		from board_events where card_id is not null and type <> 'card:created' order by card_id, seq`;
	const at = new Map<number, { column: string; version: number }>();
	for (const e of events) {
		const before = at.get(e.cardId) ?? {
			// the card's first event says where it started
			column: e.type === 'card:moved' || (e.type === 'card:updated' && e.from) ? e.from! : e.to,
			version: 1
		};
		const expected =
			e.type === 'card:moved'
				? e.from === before.column && e.to !== e.from
				: e.type === 'card:updated' && e.from
					? e.from === 'qc' && before.column === 'qc' && e.to === 'inBay'
					: e.to === before.column;
		if (!expected || e.version !== before.version + 1) {
			problems.push(
				`card ${e.cardId} seq ${e.seq}: ${e.type}${e.from ? ' from ' + e.from : ''} to ${e.to} v${e.version}, but it was in ${before.column} v${before.version}`
			);
		}
		at.set(e.cardId, { column: e.to, version: e.version });
	}
	const cards = await sql<{ id: number; column: string; version: number }[]>`
		select id::int, board_column as column, version from cards`;
	for (const c of cards) {
		const last = at.get(c.id);
		if (last && (last.column !== c.column || last.version !== c.version)) {
			problems.push(`card ${c.id} is ${c.column} v${c.version}, its last event says ${last.column} v${last.version}`);
		}
	}
	return problems;
}
