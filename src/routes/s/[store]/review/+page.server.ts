import { requirePageAccess, viewerOf } from '$lib/server/http/access';
import { readReview } from '$lib/server/cards/prep';
import { getServices } from '$lib/server/services';
import type { PageServerLoad } from './$types';

/** The technical director's morning review of the prep column (DOMAIN.md, seed 000 三). */
export const load: PageServerLoad = async (event) => {
	const { store, principal, roles } = await requirePageAccess(event, event.params.store, 'prep:review');
	const now = new Date();
	const review = await readReview(getServices().sql, store, now);
	event.setHeaders({ 'cache-control': 'no-store' });
	return {
		store: { slug: store.slug, name: store.name, timeZone: store.timeZone },
		viewer: viewerOf({ principal, roles }),
		now: now.toISOString(),
		...review
	};
};
