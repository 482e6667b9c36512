import { json } from '@sveltejs/kit';
import { parseMove } from '$lib/server/board/commands';
import { moveCard } from '$lib/server/board/move';
import { getServices } from '$lib/server/services';
import { errorResponse } from '$lib/server/http/errors';
import { requireStore } from '$lib/server/http/store';
import type { RequestHandler } from './$types';

const MAX_BODY = 4 * 1024;

/**
 * POST { to, expectedVersion, idempotencyKey }: the same move as the `card:move` socket command,
 * with the same validation, versioning and idempotency, broadcast the same way.
 */
export const POST: RequestHandler = async ({ params, request, getClientAddress }) => {
	const store = await requireStore(params.store);
	const text = await request.text();
	if (text.length > MAX_BODY) {
		return errorResponse({ code: 'invalidInput', message: `body larger than ${MAX_BODY} bytes` });
	}
	let body: unknown;
	try {
		body = JSON.parse(text);
	} catch {
		return errorResponse({ code: 'invalidInput', message: 'body is not JSON' });
	}
	if (typeof body !== 'object' || body === null || Array.isArray(body)) {
		return errorResponse({ code: 'invalidInput', message: 'body must be a JSON object' });
	}
	const command = parseMove({ ...body, cardId: Number(params.card) });
	if (!command.ok) return errorResponse(command.error);

	const { sql, realtime, instanceName } = getServices();
	const result = await moveCard(sql, store.id, command.data, {
		userId: null,
		label: 'api',
		source: `http ${getClientAddress()} ${instanceName}`
	});
	if (!result.ok) return errorResponse(result.error);
	realtime.broadcast(store.id, result.data.event);
	return json(result.data);
};
