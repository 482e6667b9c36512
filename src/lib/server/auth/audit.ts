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

/**
 * Refusals of clients with no credential cost an attacker nothing to send, so their audit rows
 * are capped per address: `perMinute` rows a minute, the rest counted into the next row written
 * (`detail.suppressed`). Per instance; a person's refusals are never capped.
 */
export class RefusalThrottle {
	readonly #seen = new Map<string, { since: number; written: number; suppressed: number }>();

	constructor(
		readonly perMinute = 20,
		readonly now: () => number = Date.now
	) {}

	/** Whether to write this refusal's row; when yes, how many were left out before it. */
	admit(address: string): { write: boolean; suppressed: number } {
		const now = this.now();
		if (this.#seen.size > 10_000) {
			for (const [key, entry] of this.#seen) if (now - entry.since > 60_000) this.#seen.delete(key);
		}
		let entry = this.#seen.get(address);
		if (!entry || now - entry.since > 60_000) {
			const suppressed = entry?.suppressed ?? 0;
			entry = { since: now, written: 0, suppressed };
			this.#seen.set(address, entry);
		}
		if (entry.written >= this.perMinute) {
			entry.suppressed++;
			return { write: false, suppressed: 0 };
		}
		entry.written++;
		const suppressed = entry.suppressed;
		entry.suppressed = 0;
		return { write: true, suppressed };
	}
}

/** The instance's throttle for anonymous refusals (handshakes, JSON requests). */
export const anonymousRefusals = new RefusalThrottle();
