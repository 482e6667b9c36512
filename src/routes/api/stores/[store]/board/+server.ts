import { json } from '@sveltejs/kit';
import type { BoardSnapshot } from '$lib/realtime/contract';
import { getServices } from '$lib/server/services';
import { requireApiAccess } from '$lib/server/http/access';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	const access = await requireApiAccess(event, event.params.store, 'board:view');
	if (!access.ok) return access.response;
	const { store } = access.access;
	const { head, cards } = await getServices().snapshots.read(store.id);
	const snapshot: BoardSnapshot = {
		store: { slug: store.slug, name: store.name, timeZone: store.timeZone },
		head,
		cards
	};
	return json(snapshot);
};
