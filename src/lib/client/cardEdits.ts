import type { CardEdit } from '$lib/domain/card';
import type { CommandError, EditCommand, EditResult } from '$lib/realtime/contract';
import { newKey } from './keys';

/** tries of one command while the server is unreachable or unavailable (the same key each time) */
const TRIES = 3;

export type Sent<T> = { ok: true; result: T } | { ok: false; error: CommandError };

/**
 * POSTs one command of the JSON API (a card edit, a move) and retries it, with the same body and
 * so the same idempotency key, while the answer is lost or the server unavailable: applied once
 * whatever happens to the connection. A success is an answer with its committed `event`.
 */
export async function postCommand<T extends object>(url: string, command: object): Promise<Sent<T>> {
	const body = JSON.stringify(command);
	let last: CommandError = { code: 'unavailable', message: 'no answer from the server' };
	for (let attempt = 0; attempt < TRIES; attempt++) {
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
		const answer = (await response.json().catch(() => null)) as T | { error?: CommandError } | null;
		if (response.ok && answer && 'event' in answer) return { ok: true, result: answer as T };
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

/**
 * One card edit (POST /api/stores/:store/cards/:card/edits) with a fresh idempotency key.
 *
 * @example
 * const sent = await sendEdit('demo', 42, { expectedVersion: 3, edit: { kind: 'escalate', escalated: true, note: null } });
 */
export const sendEdit = (
	store: string,
	cardId: number,
	command: Omit<EditCommand, 'idempotencyKey'> & { edit: CardEdit }
): Promise<Sent<EditResult>> =>
	postCommand<EditResult>(`/api/stores/${encodeURIComponent(store)}/cards/${cardId}/edits`, {
		...command,
		idempotencyKey: newKey()
	});

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
