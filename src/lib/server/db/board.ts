import type { BoardCard } from '$lib/domain/board';
import type { BoardEvent } from '$lib/realtime/contract';
import type { Sql } from './connect';

/**
 * The store's board and the sequence number it reflects. One statement reads both from one
 * snapshot, so a screen that applies later events from `head` on ends exactly at the server's state.
 */
export async function snapshot(sql: Sql, storeId: number) {
	const [row] = await sql<{ head: number; cards: BoardCard[] }[]>`
		select
			coalesce((select last_seq from store_sequences where store_id = ${storeId}), 0)::int as head,
			coalesce(
				(select json_agg(card) from board_card_view
				 where store_id = ${storeId} and archived_at is null),
				'[]'::json
			) as cards`;
	return row;
}

/** The committed events after `since`, oldest first; at most `limit`. */
export async function eventsSince(sql: Sql, storeId: number, since: number, limit: number) {
	const rows = await sql<{ event: BoardEvent }[]>`
		select payload as event from board_events
		where store_id = ${storeId} and seq > ${since}
		order by seq limit ${limit}`;
	return rows.map((r) => r.event);
}

/** The newest sequence number of each store. */
export async function heads(sql: Sql, storeIds: number[]): Promise<Map<number, number>> {
	const rows = await sql<{ storeId: number; seq: number }[]>`
		select store_id::int as "storeId", last_seq::int as seq from store_sequences
		where store_id = any(${storeIds}::bigint[])`;
	return new Map(rows.map((r) => [r.storeId, r.seq]));
}
