import { json } from '@sveltejs/kit';
import { parseEditCommand } from '$lib/domain/cardInput';
import { editCard } from '$lib/server/cards/edit';
import { readJsonObject } from '$lib/server/appointments/http';
import { getServices } from '$lib/server/services';
import { errorResponse } from '$lib/server/http/errors';
import { auditRefusal, requireApiAccess, sourceOf } from '$lib/server/http/access';
import { actorLabel, actorUserId } from '$lib/server/auth/principal';
import type { CommandError } from '$lib/realtime/contract';
import type { RequestHandler } from './$types';

const MAX_BODY = 4 * 1024;

/**
 * POST `{ expectedVersion, idempotencyKey, edit }` (EditCommand; `edit` is one CardEdit of
 * src/lib/domain/card.ts) with a session cookie (same origin) or an API token: one change of the
 * card in one transaction, broadcast as `card:updated` (or `card:archived` when the handover
 * completes). 400 invalidInput with the `field`, 403 forbidden (the role may not change that
 * section), 404, 409 versionConflict with the card as it is, 422 editRefused with `editReason`.
 */
export const POST: RequestHandler = async (event) => {
	const { params } = event;
	const access = await requireApiAccess(event, params.store, 'card:edit');
	if (!access.ok) return access.response;
	const { store, principal, roles } = access.access;
	const cardId = Number(params.card);
	const refuse = (error: CommandError) => {
		auditRefusal(event, store.id, 'card:edit', error, { cardId: Number.isSafeInteger(cardId) ? cardId : null });
		return errorResponse(error);
	};
	if (!Number.isSafeInteger(cardId) || cardId <= 0) {
		return refuse({ code: 'cardNotFound', message: `card ${params.card} is not on this board` });
	}
	const body = await readJsonObject(event.request, MAX_BODY);
	if (!body.ok) return refuse(body.error as CommandError);
	const command = parseEditCommand(body.body);
	if (!command.ok) return refuse(command.error);

	const { sql, realtime } = getServices();
	const result = await editCard(sql, store.id, cardId, command.data, {
		userId: actorUserId(principal),
		label: actorLabel(principal),
		source: sourceOf(event),
		roles
	});
	if (!result.ok) return refuse(result.error);
	if (!result.data.replayed) {
		realtime.broadcast(store.id, result.data.event);
		for (const other of result.data.also ?? []) realtime.broadcast(store.id, other);
	}
	return json(result.data);
};
