import { getServices } from '$lib/server/services';
import { requireStore } from '$lib/server/http/store';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params }) => {
	const store = await requireStore(params.store);
	const { head, cards } = await getServices().snapshots.read(store.id);
	return { store: { slug: store.slug, name: store.name, timeZone: store.timeZone }, head, cards };
};
