import { randomInt } from 'node:crypto';
import type { Sql } from '../db/connect';
import { hashToken, isTokenShaped, newToken } from './secrets';

/** Letters and digits nobody confuses on a TV across a room (no 0/O, 1/I/L). */
const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const CODE_LENGTH = 6;
export const PAIRING_MINUTES = 10;
export type ScreenKind = 'wall' | 'welcome';
export const SCREEN_KINDS: readonly ScreenKind[] = ['wall', 'welcome'];

const newCode = () =>
	Array.from({ length: CODE_LENGTH }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');

/** Normalises what a person typed: case, spaces and dashes do not matter. */
export const normaliseCode = (typed: string) => typed.toUpperCase().replace(/[\s-]/g, '');
export const isCodeShaped = (code: string) =>
	code.length === CODE_LENGTH && [...code].every((c) => CODE_ALPHABET.includes(c));

/** A screen asks to be paired: a short code to show, and a secret for its own cookie. */
export async function startPairing(
	sql: Sql,
	address: string
): Promise<{ code: string; secret: string; expiresAt: Date }> {
	const secret = newToken();
	// every screen that opens /display makes a row: the ones long expired are dropped as we go
	await sql`
		delete from display_pairings
		where display_id is null and expires_at < now() - interval '1 day'`;
	for (let attempt = 0; ; attempt++) {
		const code = newCode();
		try {
			const [row] = await sql<{ expiresAt: Date }[]>`
				insert into display_pairings (code, secret_hash, expires_at, address)
				values (${code}, ${hashToken(secret)}, now() + ${PAIRING_MINUTES + ' minutes'}::interval, ${address})
				returning expires_at as "expiresAt"`;
			return { code, secret, expiresAt: row.expiresAt };
		} catch (error) {
			// a code still waiting elsewhere: expired ones are cleared, then another code is drawn
			if ((error as { code?: string }).code !== '23505' || attempt > 5) throw error;
			await sql`delete from display_pairings where display_id is null and expires_at < now()`;
		}
	}
}

export type PairingState =
	| { state: 'waiting'; code: string; expiresAt: Date }
	| { state: 'expired' }
	| { state: 'paired'; token: string; displayId: number; storeSlug: string; kind: ScreenKind };

/**
 * What the waiting screen learns when it asks again with its secret. Once paired, it collects its
 * credential exactly once: a fresh token whose hash is stored on the display.
 */
export async function pairingState(sql: Sql, secret: unknown): Promise<PairingState> {
	if (!isTokenShaped(secret)) return { state: 'expired' };
	return sql.begin(async (tx) => {
		const [row] = await tx<
			{ id: number; code: string; expiresAt: Date; displayId: number | null; collected: boolean; expired: boolean }[]
		>`
			select id::int, code, expires_at as "expiresAt", display_id::int as "displayId",
				collected_at is not null as collected, expires_at <= now() as expired
			from display_pairings where secret_hash = ${hashToken(secret)} for update`;
		if (!row || row.collected) return { state: 'expired' };
		if (row.displayId === null) return row.expired ? { state: 'expired' } : { state: 'waiting', code: row.code, expiresAt: row.expiresAt };
		const token = newToken();
		const [display] = await tx<{ storeSlug: string; kind: ScreenKind }[]>`
			update displays d set token_hash = ${hashToken(token)}
			from stores s
			where d.id = ${row.displayId} and s.id = d.store_id and d.revoked_at is null
			returning s.slug as "storeSlug", d.kind`;
		await tx`update display_pairings set collected_at = now() where id = ${row.id}`;
		if (!display) return { state: 'expired' }; // revoked before the screen collected it
		return { state: 'paired', token, displayId: row.displayId, ...display };
	});
}

export type ClaimResult = { ok: true; displayId: number } | { ok: false; code: 'pairingCodeUnknown' };

/** A store admin types the code a screen shows: it becomes a display of that store. */
export async function claim(
	sql: Sql,
	input: { code: string; storeId: number; kind: ScreenKind; name: string; by: number }
): Promise<ClaimResult> {
	return sql.begin(async (tx) => {
		const [pairing] = await tx<{ id: number }[]>`
			select id::int from display_pairings
			where code = ${input.code} and display_id is null and expires_at > now() for update`;
		if (!pairing) return { ok: false, code: 'pairingCodeUnknown' } as const;
		const [display] = await tx<{ id: number }[]>`
			insert into displays (store_id, kind, name, paired_by)
			values (${input.storeId}, ${input.kind}, ${input.name}, ${input.by}) returning id::int`;
		await tx`update display_pairings set display_id = ${display.id} where id = ${pairing.id}`;
		return { ok: true, displayId: display.id } as const;
	});
}

export interface DisplayRow {
	id: number;
	kind: ScreenKind;
	name: string;
	pairedBy: string;
	createdAt: Date;
	lastSeenAt: Date | null;
	revokedAt: Date | null;
	/** paired by an admin, but the screen has not collected its credential yet */
	pending: boolean;
}

export async function list(sql: Sql, storeId: number): Promise<DisplayRow[]> {
	return sql<DisplayRow[]>`
		select d.id::int, d.kind, d.name, u.display_name as "pairedBy", d.created_at as "createdAt",
			d.last_seen_at as "lastSeenAt", d.revoked_at as "revokedAt", d.token_hash is null as pending
		from displays d join users u on u.id = d.paired_by
		where d.store_id = ${storeId} order by d.revoked_at is not null, d.id`;
}

/** Revokes a display of `storeId`; false when there is no such live display in that store. */
export async function revoke(sql: Sql, storeId: number, displayId: number, by: number): Promise<boolean> {
	const rows = await sql`
		update displays set revoked_at = now(), revoked_by = ${by}
		where id = ${displayId} and store_id = ${storeId} and revoked_at is null returning id`;
	return rows.length === 1;
}

/** Of these display ids, the ones revoked since. */
export async function revokedAmong(sql: Sql, ids: number[]): Promise<number[]> {
	if (ids.length === 0) return [];
	const rows = await sql<{ id: number }[]>`
		select id::int from displays where id = any(${ids}::bigint[]) and revoked_at is not null`;
	return rows.map((r) => r.id);
}
