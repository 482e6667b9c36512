import { json } from '@sveltejs/kit';
import { requireApiAccess } from '$lib/server/http/access';
import { getServices } from '$lib/server/services';
import * as welcome from '$lib/server/db/welcome';
import { renewDisplayCookie } from '$lib/server/auth/displayCookie';
import type { RequestHandler } from './$types';

/**
 * GET: the welcome board's rows again (the page's own data), read by the screen on each nudge of
 * its socket. A JSON endpoint rather than SvelteKit's invalidate: a failed read here leaves the
 * screen as it was and the next heartbeat tries again, where a failed invalidation would leave a
 * TV nobody touches on an error page.
 */
export const GET: RequestHandler = async (event) => {
	const access = await requireApiAccess(event, event.params.store, 'welcome:view');
	if (!access.ok) return access.response;
	const { store, principal } = access.access;
	renewDisplayCookie(event, principal);
	const board = await welcome.read(getServices().sql, store, new Date());
	return json(board, { headers: { 'cache-control': 'no-store' } });
};
