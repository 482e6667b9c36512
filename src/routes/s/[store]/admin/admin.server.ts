import { error, type RequestEvent } from '@sveltejs/kit';
import type { Action } from '$lib/domain/permissions';
import type { UserPrincipal } from '$lib/server/auth/principal';
import { requirePageAccess, type StoreAccess } from '$lib/server/http/access';
import type { Sql } from '$lib/server/db/connect';

/**
 * The admin page and each of its actions: `action` in this store, and a person (the rows this
 * page writes name who paired a screen or made a token; an integration's token may not).
 */
export async function requireAdmin(
	event: RequestEvent<{ store: string }>,
	action: Action
): Promise<StoreAccess & { principal: UserPrincipal }> {
	const access = await requirePageAccess(event, event.params.store, action);
	if (access.principal.kind !== 'user') {
		error(403, { message: 'only a signed-in person may administer a store', code: 'forbidden' });
	}
	return { ...access, principal: access.principal };
}

export interface AuditRow {
	id: number;
	at: Date;
	label: string;
	action: string;
	outcome: 'ok' | 'refused';
	source: string;
}

/**
 * The store's latest audit rows, newest first.
 * (A candidate for `$lib/server/auth/audit.ts` as `list`; kept here while that module is frozen.)
 */
export async function latestAudit(sql: Sql, storeId: number, limit = 50): Promise<AuditRow[]> {
	return sql<AuditRow[]>`
		select id::int, at, actor_label as label, action, outcome, source
		from audit_log where store_id = ${storeId}
		order by at desc, id desc limit ${limit}`;
}
