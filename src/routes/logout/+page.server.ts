import { redirect, type RequestEvent } from '@sveltejs/kit';
import { record } from '$lib/server/auth/audit';
import { COOKIES } from '$lib/server/auth/principal';
import * as sessions from '$lib/server/auth/sessions';
import { sourceOf } from '$lib/server/http/access';
import { getServices } from '$lib/server/services';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => {
	if (locals.principal?.kind !== 'user') redirect(303, '/login');
	return { name: locals.principal.displayName };
};

/**
 * Ends this session, or every session of the person; each one's open sockets (boards on other
 * devices) are closed at once, on every instance, rather than at their next page load.
 */
async function signOut(event: RequestEvent, scope: 'this' | 'everywhere'): Promise<never> {
	const principal = event.locals.principal;
	if (principal?.kind === 'user') {
		const { sql, realtime } = getServices();
		let ended = [principal.sessionId];
		if (scope === 'this') await sessions.revoke(sql, principal.sessionId);
		else ended = await sessions.revokeAll(sql, principal.userId);
		for (const id of ended) realtime.disconnectCredential(`session:${id}`);
		await record(sql, {
			storeId: null,
			userId: principal.userId,
			label: principal.username,
			action: 'auth:signOut',
			outcome: 'ok',
			source: sourceOf(event),
			detail: { scope, sessions: ended.length }
		});
	}
	// `secure` as it was set: a Secure deletion sent over plain http (a LAN address) is ignored
	event.cookies.delete(COOKIES.session, { path: '/', secure: event.url.protocol === 'https:' });
	redirect(303, '/login');
}

/**
 * One action for both buttons (SvelteKit allows no named action beside the default one, and the
 * board's own sign-out button posts to the default): "everywhere" comes as the button's value.
 */
export const actions: Actions = {
	default: async (event) => {
		const scope = (await event.request.formData()).get('scope');
		return signOut(event, scope === 'everywhere' ? 'everywhere' : 'this');
	}
};
