import { redirect } from '@sveltejs/kit';
import { COOKIES } from '$lib/server/auth/principal';
import { screenState } from './pairing.server';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	// a display cookie that let nobody in was revoked: the screen starts over with a new code
	if (!event.locals.principal && event.cookies.get(COOKIES.display)) {
		event.cookies.delete(COOKIES.display, { path: '/', secure: event.url.protocol === 'https:' });
	}
	const screen = await screenState(event, { start: true });
	if (screen.state === 'paired') redirect(303, screen.url);
	event.setHeaders({ 'cache-control': 'no-store' });
	return { code: screen.code, expiresAt: screen.expiresAt.toISOString(), serverNow: Date.now() };
};
