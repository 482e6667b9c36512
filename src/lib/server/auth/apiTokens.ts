import type { StaffRole } from '$lib/domain/permissions';
import type { Sql } from '../db/connect';
import { hashToken, newToken } from './secrets';

/** Makes a token for an integration; the token is shown once and never stored. */
export async function create(
	sql: Sql,
	input: { storeId: number; name: string; role: StaffRole; by: number }
): Promise<{ id: number; token: string }> {
	const token = newToken();
	const [row] = await sql<{ id: number }[]>`
		insert into api_tokens (store_id, name, role, token_hash, created_by)
		values (${input.storeId}, ${input.name}, ${input.role}, ${hashToken(token)}, ${input.by})
		returning id::int`;
	return { id: row.id, token };
}

export interface ApiTokenRow {
	id: number;
	name: string;
	role: StaffRole;
	createdBy: string;
	createdAt: Date;
	lastUsedAt: Date | null;
	revokedAt: Date | null;
}

export async function list(sql: Sql, storeId: number): Promise<ApiTokenRow[]> {
	return sql<ApiTokenRow[]>`
		select t.id::int, t.name, t.role, u.display_name as "createdBy", t.created_at as "createdAt",
			t.last_used_at as "lastUsedAt", t.revoked_at as "revokedAt"
		from api_tokens t join users u on u.id = t.created_by
		where t.store_id = ${storeId} order by t.revoked_at is not null, t.id`;
}

export async function revoke(sql: Sql, storeId: number, tokenId: number): Promise<boolean> {
	const rows = await sql`
		update api_tokens set revoked_at = now()
		where id = ${tokenId} and store_id = ${storeId} and revoked_at is null returning id`;
	return rows.length === 1;
}

/** Of these token ids, the ones revoked since. */
export async function revokedAmong(sql: Sql, ids: number[]): Promise<number[]> {
	if (ids.length === 0) return [];
	const rows = await sql<{ id: number }[]>`
		select id::int from api_tokens where id = any(${ids}::bigint[]) and revoked_at is not null`;
	return rows.map((r) => r.id);
}
