import type { Role, StaffRole } from '$lib/domain/permissions';
import type { Sql } from '../db/connect';
import { hashToken, isTokenShaped } from './secrets';

/** Who is asking: a signed-in person, a paired screen, or an integration's token. */
export type Principal = UserPrincipal | DisplayPrincipal | TokenPrincipal;

export interface UserPrincipal {
	kind: 'user';
	userId: number;
	username: string;
	displayName: string;
	sessionId: number;
	/** roles per store id */
	stores: Map<number, StaffRole[]>;
	/** dealer groups this user administers */
	groups: number[];
}

export interface DisplayPrincipal {
	kind: 'display';
	displayId: number;
	storeId: number;
	screen: 'wall' | 'welcome';
	name: string;
}

export interface TokenPrincipal {
	kind: 'apiToken';
	tokenId: number;
	storeId: number;
	role: StaffRole;
	name: string;
}

/** The roles `principal` holds in `store`: none means it may not even see the board. */
export function rolesIn(principal: Principal, store: { id: number; groupId: number }): Role[] {
	switch (principal.kind) {
		case 'user': {
			const roles: Role[] = [...(principal.stores.get(store.id) ?? [])];
			if (principal.groups.includes(store.groupId)) roles.push('groupAdmin');
			return roles;
		}
		case 'display':
			if (principal.storeId !== store.id) return [];
			return [principal.screen === 'wall' ? 'display' : 'welcomeDisplay'];
		case 'apiToken':
			return principal.storeId === store.id ? [principal.role] : [];
	}
}

/** The actor's name in the audit log and on events. */
export function actorLabel(principal: Principal | null): string {
	if (!principal) return 'anonymous';
	switch (principal.kind) {
		case 'user':
			return principal.username;
		case 'display':
			return `display ${principal.displayId} (${principal.name})`;
		case 'apiToken':
			return `token ${principal.tokenId} (${principal.name})`;
	}
}

export const actorUserId = (principal: Principal | null) =>
	principal?.kind === 'user' ? principal.userId : null;

/** Sessions slide: each use pushes the end this far, never past the absolute end. */
export const SESSION_IDLE_DAYS = 7;
export const SESSION_ABSOLUTE_DAYS = 30;

/** The person behind a session cookie, or null when it is unknown, expired, revoked or disabled. */
export async function fromSession(sql: Sql, token: unknown): Promise<UserPrincipal | null> {
	if (!isTokenShaped(token)) return null;
	const [row] = await sql<
		{
			sessionId: number;
			userId: number;
			username: string;
			displayName: string;
			stale: boolean;
			roles: { storeId: number; role: StaffRole }[];
			groups: number[];
		}[]
	>`
		select s.id::int as "sessionId", u.id::int as "userId", u.username,
			u.display_name as "displayName",
			s.last_seen_at < now() - interval '1 minute' as stale,
			coalesce((select json_agg(json_build_object('storeId', r.store_id, 'role', r.role))
				from store_roles r where r.user_id = u.id), '[]') as roles,
			coalesce((select array_agg(g.group_id::int) from group_admins g where g.user_id = u.id),
				'{}') as groups
		from sessions s join users u on u.id = s.user_id
		where s.token_hash = ${hashToken(token)} and s.revoked_at is null and s.expires_at > now()
			and u.disabled_at is null`;
	if (!row) return null;
	if (row.stale) {
		// at most one write a minute per session, off the request's path
		sql`
			update sessions set last_seen_at = now(),
				expires_at = least(absolute_expires_at, now() + ${SESSION_IDLE_DAYS + ' days'}::interval)
			where id = ${row.sessionId}`.catch((error) => console.error('[session]', error.message));
	}
	const stores = new Map<number, StaffRole[]>();
	for (const { storeId, role } of row.roles) stores.set(storeId, [...(stores.get(storeId) ?? []), role]);
	return {
		kind: 'user',
		userId: row.userId,
		username: row.username,
		displayName: row.displayName,
		sessionId: row.sessionId,
		stores,
		groups: row.groups
	};
}

/** The screen behind a display credential, or null when unknown or revoked. */
export async function fromDisplay(sql: Sql, token: unknown): Promise<DisplayPrincipal | null> {
	if (!isTokenShaped(token)) return null;
	const [row] = await sql<DisplayPrincipal[]>`
		update displays set last_seen_at = now()
		where token_hash = ${hashToken(token)} and revoked_at is null
		returning 'display' as kind, id::int as "displayId", store_id::int as "storeId",
			kind as screen, name`;
	return row ?? null;
}

/** The integration behind an API token, or null when unknown or revoked. */
export async function fromApiToken(sql: Sql, token: unknown): Promise<TokenPrincipal | null> {
	if (!isTokenShaped(token)) return null;
	const [row] = await sql<TokenPrincipal[]>`
		update api_tokens set last_used_at = now()
		where token_hash = ${hashToken(token)} and revoked_at is null
		returning 'apiToken' as kind, id::int as "tokenId", store_id::int as "storeId", role, name`;
	return row ?? null;
}

export const COOKIES = {
	session: 'wb_session',
	display: 'wb_display',
	pairing: 'wb_pairing'
} as const;

/**
 * The principal of a request or a handshake: an `Authorization: Bearer` token when one is sent
 * (integrations), else the session cookie, else the display cookie.
 */
export async function authenticate(
	sql: Sql,
	credentials: { bearer?: string | null; session?: string; display?: string }
): Promise<Principal | null> {
	if (credentials.bearer != null) return fromApiToken(sql, credentials.bearer);
	if (credentials.session) {
		const user = await fromSession(sql, credentials.session);
		if (user) return user;
	}
	if (credentials.display) return fromDisplay(sql, credentials.display);
	return null;
}

/** The token of an `Authorization: Bearer <token>` header; undefined when there is none. */
export function bearerOf(header: string | null | undefined): string | null | undefined {
	if (!header) return undefined;
	const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
	return match ? match[1] : null; // null: a header was sent but is not a bearer token
}
