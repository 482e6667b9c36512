import type { RequestEvent } from '@sveltejs/kit';
import { COOKIES, type Principal } from '$lib/server/auth/principal';

/** A display's cookie lives 400 days (browsers' cap) from its last load: a TV never expires. */
const DISPLAY_COOKIE_SECONDS = 400 * 24 * 3600;

/**
 * Pushes a paired screen's credential cookie another 400 days out, as the board's page does: the
 * welcome board re-reads this page all day, so it is renewed as long as the screen is on.
 */
export function renewDisplayCookie(event: RequestEvent, principal: Principal) {
	if (principal.kind !== 'display') return;
	const token = event.cookies.get(COOKIES.display);
	if (!token) return;
	event.cookies.set(COOKIES.display, token, {
		path: '/',
		httpOnly: true,
		sameSite: 'lax',
		secure: event.url.protocol === 'https:',
		maxAge: DISPLAY_COOKIE_SECONDS
	});
}
