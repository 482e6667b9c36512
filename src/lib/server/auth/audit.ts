import type { Sql } from '../db/connect';

/**
 * One row of the audit log for what is not a committed card change (those are written inside the
 * move's own transaction): sign-ins, sign-outs, refused commands, pairing and revoking screens.
 */
export interface AuditEntry {
	storeId: number | null;
	userId: number | null;
	/** who, in words: a user name, "display 12 (车间大屏)", "token 3 (DMS)", "anonymous" */
	label: string;
	action: string;
	outcome: 'ok' | 'refused';
	/** from where: "http 127.0.0.1", "socket 127.0.0.1 inst-a" */
	source: string;
	detail?: Record<string, unknown>;
}

export async function record(sql: Sql, entry: AuditEntry): Promise<void> {
	await sql`
		insert into audit_log (store_id, actor_user_id, actor_label, action, outcome, source, detail)
		values (${entry.storeId}, ${entry.userId}, ${entry.label}, ${entry.action}, ${entry.outcome},
			${entry.source}, ${sql.json((entry.detail ?? {}) as never)})`;
}

/**
 * For refusals on a hot path: written after the answer went out, so a refused command is as
 * fast as before; a failure to write is logged, never thrown at the client.
 */
export function recordLater(sql: Sql, entry: AuditEntry): void {
	record(sql, entry).catch((error) => console.error('[audit]', error.message));
}
