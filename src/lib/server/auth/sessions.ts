import type { Sql } from '../db/connect';
import { SESSION_ABSOLUTE_DAYS, SESSION_IDLE_DAYS } from './principal';
import { hashToken, newToken } from './secrets';

/** A new session for `userId`; the token goes into the cookie and is never stored. */
export async function create(
	sql: Sql,
	userId: number,
	from: { address: string; userAgent: string }
): Promise<{ token: string; sessionId: number; expiresAt: Date }> {
	const token = newToken();
	const [row] = await sql<{ id: number; expiresAt: Date }[]>`
		insert into sessions (token_hash, user_id, expires_at, absolute_expires_at, address, user_agent)
		values (${hashToken(token)}, ${userId},
			now() + ${SESSION_IDLE_DAYS + ' days'}::interval,
			now() + ${SESSION_ABSOLUTE_DAYS + ' days'}::interval,
			${from.address}, ${from.userAgent.slice(0, 200)})
		returning id::int, absolute_expires_at as "expiresAt"`;
	return { token, sessionId: row.id, expiresAt: row.expiresAt };
}

/** Ends one session (sign out). */
export async function revoke(sql: Sql, sessionId: number): Promise<void> {
	await sql`update sessions set revoked_at = now() where id = ${sessionId} and revoked_at is null`;
}

/** Ends every session of a user (sign out everywhere); returns the ids it ended. */
export async function revokeAll(sql: Sql, userId: number): Promise<number[]> {
	const rows = await sql<{ id: number }[]>`
		update sessions set revoked_at = now()
		where user_id = ${userId} and revoked_at is null returning id::int`;
	return rows.map((r) => r.id);
}

/** Of these session ids, the ones that no longer let anybody in. */
export async function invalid(sql: Sql, ids: number[]): Promise<number[]> {
	if (ids.length === 0) return [];
	const rows = await sql<{ id: number }[]>`
		select s.id::int from sessions s join users u on u.id = s.user_id
		where s.id = any(${ids}::bigint[])
			and (s.revoked_at is not null or s.expires_at <= now() or u.disabled_at is not null)`;
	return rows.map((r) => r.id);
}
