import type { RequestEvent } from '@sveltejs/kit';
import { COOKIES, type Principal } from './principal';

/** A display's credential outlives any TV's power cycle: browsers cap a cookie at 400 days. */
const DISPLAY_COOKIE_SECONDS = 400 * 24 * 3600;

/** Keeps a paired screen's credential in its cookie, 400 days from now. */
export function setDisplayCookie(event: RequestEvent, token: string) {
	event.cookies.set(COOKIES.display, token, {
		path: '/',
		httpOnly: true,
		sameSite: 'lax',
		secure: event.url.protocol === 'https:',
		maxAge: DISPLAY_COOKIE_SECONDS
	});
}

/**
 * Pushes a paired screen's cookie another 400 days out on each load of its page: a screen that is
 * on never has to be paired again.
 */
export function renewDisplayCookie(event: RequestEvent, principal: Principal) {
	if (principal.kind !== 'display') return;
	const token = event.cookies.get(COOKIES.display);
	if (token) setDisplayCookie(event, token);
}
