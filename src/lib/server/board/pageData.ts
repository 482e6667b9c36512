import type { RequestEvent } from '@sveltejs/kit';
import { getServices } from '$lib/server/services';
import { requirePageAccess } from '$lib/server/http/access';
import { COOKIES } from '$lib/server/auth/principal';

/** A display's cookie lives 400 days (browsers' cap) from its last page load: a TV never expires. */
const DISPLAY_COOKIE_SECONDS = 400 * 24 * 3600;

/**
 * The data of a board page (the board and the wall TV): the access check (`board:view`), the
 * renewal of a display's credential, and the board.
 *
 * `whole: false` (the board): only the first screenful of each column and every column's count;
 * the screen's first `board:sync` asks for the whole board (`full: true`). Serialising 500 cards
 * into the page was most of its render time, and parsing them most of the browser's.
 * `whole: true` (the TV): every card, because a TV column counts the cards it pages through
 * ("还有 N 辆") from its first frame and nobody waits on a TV's first paint.
 */
export async function loadBoardPage(
	event: RequestEvent<{ store: string }>,
	{ whole }: { whole: boolean }
) {
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
	const snapshots = getServices().snapshots;
	const board = whole
		? { ...(await snapshots.read(store.id)), counts: null }
		: await snapshots.first(store.id);
	return {
		store: { slug: store.slug, name: store.name, timeZone: store.timeZone },
		viewer: {
			kind: principal.kind,
			name: principal.kind === 'user' ? principal.displayName : principal.name,
			roles
		},
		head: board.head,
		cards: board.cards,
		counts: board.counts
	};
}
