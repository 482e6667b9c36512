import { json } from '@sveltejs/kit';
import { parseMove } from '$lib/server/board/commands';
import { moveCard } from '$lib/server/board/move';
import { getServices } from '$lib/server/services';
import { errorResponse } from '$lib/server/http/errors';
import { auditRefusal, requireApiAccess, sourceOf } from '$lib/server/http/access';
import { actorLabel, actorUserId } from '$lib/server/auth/principal';
import { can } from '$lib/domain/permissions';
import type { CommandError } from '$lib/realtime/contract';
import type { RequestHandler } from './$types';

const MAX_BODY = 4 * 1024;

/**
 * POST { to, expectedVersion, idempotencyKey } with a session cookie (same origin) or an API
 * token (Authorization: Bearer): the same move as the `card:move` socket command,
 * with the same validation, versioning and idempotency, broadcast the same way.
 */
export const POST: RequestHandler = async (event) => {
	const { params, request } = event;
	const access = await requireApiAccess(event, params.store, 'card:move');
	if (!access.ok) return access.response;
	const { store, principal, roles } = access.access;
	const refuse = (error: CommandError) => {
		auditRefusal(event, store.id, 'card:move', error, { cardId: Number(params.card) || null });
		return errorResponse(error);
	};
	const text = await request.text();
	if (text.length > MAX_BODY) {
		return refuse({ code: 'invalidInput', message: `body larger than ${MAX_BODY} bytes` });
	}
	let body: unknown;
	try {
		body = JSON.parse(text);
	} catch {
		return refuse({ code: 'invalidInput', message: 'body is not JSON' });
	}
	if (typeof body !== 'object' || body === null || Array.isArray(body)) {
		return refuse({ code: 'invalidInput', message: 'body must be a JSON object' });
	}
	const command = parseMove({ ...body, cardId: Number(params.card) });
	if (!command.ok) return refuse(command.error);

	const { sql, realtime, cards } = getServices();
	const result = await moveCard(sql, store.id, command.data, {
		userId: actorUserId(principal),
		label: actorLabel(principal),
		source: sourceOf(event),
		mayMove: (move) => can(roles, 'card:move', move)
	}, cards);
	if (!result.ok) return refuse(result.error);
	realtime.broadcast(store.id, result.data.event);
	return json(result.data);
};
