import { requirePageAccess } from '$lib/server/http/access';
import { getServices } from '$lib/server/services';
import * as welcome from '$lib/server/db/welcome';
import { renewDisplayCookie } from '$lib/server/auth/displayCookie';
import type { PageServerLoad } from './$types';
import { zoneOffsets } from '$lib/domain/calendar';

export const load: PageServerLoad = async (event) => {
	const { store, principal } = await requirePageAccess(event, event.params.store, 'welcome:view');
	renewDisplayCookie(event, principal);
	return {
		store: {
			slug: store.slug,
			name: store.name,
			timeZone: store.timeZone,
			// the store's clock without Intl on the screen (domain/zone.ts)
			zone: zoneOffsets(store.timeZone, Date.now())
		},
		/** a paired screen goes back to pairing when revoked; a person signs in again */
		screen: principal.kind === 'display',
		...(await welcome.read(getServices().sql, store, new Date()))
	};
};
