import { isDateKey } from '$lib/domain/calendar';
import * as calls from '$lib/server/calls/lists';
import { actorLabel } from '$lib/server/auth/principal';
import { requirePageAccess, viewerOf } from '$lib/server/http/access';
import { getServices } from '$lib/server/services';
import type { PageServerLoad } from './$types';

/** Customer service's call lists for a day (today unless `?day=`): whoever books. */
export const load: PageServerLoad = async (event) => {
	const { store, principal, roles } = await requirePageAccess(event, event.params.store, 'appointment:book');
	const day = event.url.searchParams.get('day');
	event.setHeaders({ 'cache-control': 'no-store' });
	return {
		store: { slug: store.slug, name: store.name, timeZone: store.timeZone },
		viewer: viewerOf({ principal, roles }),
		calls: await calls.forDay(getServices().sql, store, day && isDateKey(day) ? day : undefined)
	};
};
