import { error, type RequestEvent } from '@sveltejs/kit';
import { requirePageAccess, viewerOf } from '$lib/server/http/access';
import { readCardDetail } from '$lib/server/cards/detail';
import { getServices } from '$lib/server/services';

/**
 * The data of a card's pages (the card and its print-outs), for whoever may open a card
 * (`card:view`: staff, not a wall TV); what they may change is the screen's business
 * (permissions.ts), refused again by the server.
 */
export async function loadCardPage(event: RequestEvent<{ store: string; card: string }>) {
	const { store, principal, roles } = await requirePageAccess(event, event.params.store, 'card:view');
	const cardId = /^\d{1,15}$/.test(event.params.card) ? Number(event.params.card) : 0;
	const detail = cardId > 0 ? await readCardDetail(getServices().sql, store.id, cardId) : null;
	if (!detail) error(404, { message: `card ${event.params.card} not found`, code: 'cardNotFound' });
	event.setHeaders({ 'cache-control': 'no-store' });
	return {
		store: { slug: store.slug, name: store.name, timeZone: store.timeZone },
		viewer: viewerOf({ principal, roles }),
		detail
	};
}
