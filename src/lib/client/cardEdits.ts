import type { CardEdit } from '$lib/domain/card';
import type { CommandError, EditCommand, EditResult } from '$lib/realtime/contract';

/** tries of one edit while the server is unreachable or unavailable (the same key each time) */
const EDIT_TRIES = 3;

export type SendResult = { ok: true; result: EditResult } | { ok: false; error: CommandError };

/**
 * Sends one card edit (POST /api/stores/:store/cards/:card/edits) and retries it, with the same
 * idempotency key, while the answer is lost or the server unavailable: applied once whatever
 * happens to the connection.
 *
 * @example
 * const sent = await sendEdit('demo', 42, { expectedVersion: 3, edit: { kind: 'escalate', escalated: true, note: null } });
 */
export async function sendEdit(
	store: string,
	cardId: number,
	command: Omit<EditCommand, 'idempotencyKey'> & { idempotencyKey?: string; edit: CardEdit }
): Promise<SendResult> {
	const body = JSON.stringify({ ...command, idempotencyKey: command.idempotencyKey ?? newKey() });
	const url = `/api/stores/${encodeURIComponent(store)}/cards/${cardId}/edits`;
	let last: CommandError = { code: 'unavailable', message: 'no answer from the server' };
	for (let attempt = 0; attempt < EDIT_TRIES; attempt++) {
		if (attempt > 0) await delay(800 * attempt);
		let response: Response;
		try {
			response = await fetch(url, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body
			});
		} catch {
			// the request may or may not have arrived: the same key makes the retry safe
			continue;
		}
		const answer = (await response.json().catch(() => null)) as
			| EditResult
			| { error?: CommandError }
			| null;
		if (response.ok && answer && 'event' in answer) return { ok: true, result: answer };
		const error: CommandError =
			answer && 'error' in answer && answer.error
				? answer.error
				: { code: response.status >= 500 ? 'internal' : 'invalidInput', message: '' };
		if (error.code === 'unavailable') {
			last = error;
			continue;
		}
		return { ok: false, error };
	}
	return { ok: false, error: last };
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** crypto.randomUUID needs a secure context; a tablet on the shop's LAN over http has none. */
export function newKey(): string {
	if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
	const b = crypto.getRandomValues(new Uint8Array(16));
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
