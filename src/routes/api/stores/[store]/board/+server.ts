import { json } from '@sveltejs/kit';
import type { BoardSnapshot } from '$lib/realtime/contract';
import { getServices } from '$lib/server/services';
import { requireStore } from '$lib/server/http/store';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ params }) => {
	const store = await requireStore(params.store);
	const { head, cards } = await getServices().snapshots.read(store.id);
	const snapshot: BoardSnapshot = {
		store: { slug: store.slug, name: store.name, timeZone: store.timeZone },
		head,
		cards
	};
	return json(snapshot);
};
