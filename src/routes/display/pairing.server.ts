import type { RequestEvent } from '@sveltejs/kit';
import { COOKIES } from '$lib/server/auth/principal';
import * as displays from '$lib/server/auth/displays';
import * as stores from '$lib/server/db/stores';
import { getServices } from '$lib/server/services';
import { setDisplayCookie } from '$lib/server/auth/displayCookie';

/** What a screen waiting to be paired is told, by the page and by each poll. */
export type ScreenState =
	| { state: 'waiting'; code: string; expiresAt: Date }
	| { state: 'expired' }
	| { state: 'paired'; url: string };


/**
 * Where a paired screen goes: a wall TV to the board made for it (read from afar, pages by
 * itself); a welcome board to the greeting page at reception.
 */
/** Where a paired screen lives: the wall TV view, or the welcome board. */
export const screenUrl = (slug: string, kind: displays.ScreenKind) =>
	`/s/${encodeURIComponent(slug)}/${kind === 'wall' ? 'tv' : 'welcome'}`;

/**
 * The screen's pairing as it stands, from its pairing cookie. When an admin has claimed the code,
 * this collects the display credential (once: the secret is spent) and keeps it in the screen's
 * cookie. With `start`, a screen without a live code gets a new one.
 */
export async function screenState(
	event: RequestEvent,
	options: { start: true }
): Promise<Exclude<ScreenState, { state: 'expired' }>>;
export async function screenState(
	event: RequestEvent,
	options: { start: false }
): Promise<ScreenState>;
export async function screenState(
	event: RequestEvent,
	{ start }: { start: boolean }
): Promise<ScreenState> {
	const { sql } = getServices();
	const principal = event.locals.principal;
	if (principal?.kind === 'display') {
		const store = await stores.read(sql, principal.storeId);
		if (store) return { state: 'paired', url: screenUrl(store.slug, principal.screen) };
	}
	const secure = event.url.protocol === 'https:';
	const pairing = await displays.pairingState(sql, event.cookies.get(COOKIES.pairing));
	if (pairing.state === 'paired') {
		setDisplayCookie(event, pairing.token);
		event.cookies.delete(COOKIES.pairing, { path: '/display', secure });
		return { state: 'paired', url: screenUrl(pairing.storeSlug, pairing.kind) };
	}
	if (pairing.state === 'waiting' || !start) return pairing;
	const fresh = await displays.startPairing(sql, event.getClientAddress());
	event.cookies.set(COOKIES.pairing, fresh.secret, {
		path: '/display',
		httpOnly: true,
		sameSite: 'lax',
		secure,
		maxAge: displays.PAIRING_MINUTES * 60
	});
	return { state: 'waiting', code: fresh.code, expiresAt: fresh.expiresAt };
}
