import { redirect } from '@sveltejs/kit';
import { can } from '$lib/domain/permissions';
import { COOKIES, rolesIn } from '$lib/server/auth/principal';
import * as stores from '$lib/server/db/stores';
import { getServices } from '$lib/server/services';
import { screenUrl } from './display/pairing.server';
import type { PageServerLoad } from './$types';

/** The stores this person may open; a paired screen goes straight to its own board. */
export const load: PageServerLoad = async ({ locals, cookies }) => {
	const principal = locals.principal;
	if (!principal) redirect(303, cookies.get(COOKIES.display) ? '/display' : '/login');
	const all = await stores.list(getServices().sql);
	if (principal.kind === 'display') {
		// a paired screen has one store and one page
		const own = all.find((store) => store.id === principal.storeId);
		if (own) redirect(303, screenUrl(own.slug, principal.screen));
	}
	const visible = all.filter((store) => can(rolesIn(principal, store), 'board:view'));
	if (principal.kind !== 'user' && visible.length === 1) redirect(303, `/s/${visible[0].slug}/board`);
	return {
		stores: visible.map((store) => ({
			id: store.id,
			slug: store.slug,
			name: store.name,
			// the booking screen and the call lists, for whoever books
			desk: can(rolesIn(principal, store), 'appointment:book')
		})),
		viewer: principal.kind === 'user' ? principal.displayName : null
	};
};
