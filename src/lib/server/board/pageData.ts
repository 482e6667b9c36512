import type { RequestEvent } from '@sveltejs/kit';
import { getServices } from '$lib/server/services';
import { requirePageAccess, viewerOf } from '$lib/server/http/access';
import { renewDisplayCookie } from '$lib/server/auth/displayCookie';
import { zoneOffsets } from '$lib/domain/calendar';

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
	renewDisplayCookie(event, principal);
	const snapshots = getServices().snapshots;
	const board = whole
		? { ...(await snapshots.read(store.id)), counts: null }
		: await snapshots.first(store.id);
	return {
		store: {
			slug: store.slug,
			name: store.name,
			timeZone: store.timeZone,
			// the store's clock without Intl on the screen (domain/zone.ts)
			zone: zoneOffsets(store.timeZone, Date.now())
		},
		viewer: viewerOf({ principal, roles }),
		head: board.head,
		cards: board.cards,
		counts: board.counts
	};
}
