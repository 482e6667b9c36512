import { getServices } from '$lib/server/services';
import { requirePageAccess } from '$lib/server/http/access';
import { COOKIES } from '$lib/server/auth/principal';
import type { PageServerLoad } from './$types';

/** A display's cookie lives 400 days (browsers' cap) from its last page load: a TV never expires. */
const DISPLAY_COOKIE_SECONDS = 400 * 24 * 3600;

export const load: PageServerLoad = async (event) => {
	const { store, principal, roles } = await requirePageAccess(event, event.params.store, 'board:view');
	if (principal.kind === 'display') {
		const token = event.cookies.get(COOKIES.display);
		if (token) {
			event.cookies.set(COOKIES.display, token, {
				path: '/',
				httpOnly: true,
				sameSite: 'lax',
				secure: event.url.protocol === 'https:',
				maxAge: DISPLAY_COOKIE_SECONDS
			});
		}
	}
	const { head, cards } = await getServices().snapshots.read(store.id);
	return {
		store: { slug: store.slug, name: store.name, timeZone: store.timeZone },
		viewer: {
			kind: principal.kind,
			name: principal.kind === 'user' ? principal.displayName : principal.name,
			roles
		},
		head,
		cards
	};
};
