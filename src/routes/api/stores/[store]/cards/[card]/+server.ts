import { json } from '@sveltejs/kit';
import { readCardDetail } from '$lib/server/cards/detail';
import { getServices } from '$lib/server/services';
import { errorResponse } from '$lib/server/http/errors';
import { requireApiAccess } from '$lib/server/http/access';
import type { RequestHandler } from './$types';

/** GET the card as the whole job (CardDetail in src/lib/domain/card.ts): 404 when not on this board. */
export const GET: RequestHandler = async (event) => {
	const access = await requireApiAccess(event, event.params.store, 'card:view');
	if (!access.ok) return access.response;
	const cardId = Number(event.params.card);
	const detail =
		Number.isSafeInteger(cardId) && cardId > 0
			? await readCardDetail(getServices().sql, access.access.store.id, cardId)
			: null;
	if (!detail) {
		return errorResponse({ code: 'cardNotFound', message: `card ${event.params.card} is not on this board` });
	}
	return json(detail, { headers: { 'cache-control': 'no-store' } });
};
