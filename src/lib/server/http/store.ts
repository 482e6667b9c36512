import { error } from '@sveltejs/kit';
import * as stores from '../db/stores';
import { getServices } from '../services';

/** The store named by a route's `[store]` slug, or a 404. */
export async function requireStore(slug: string) {
	const { sql } = getServices();
	const store = slug.length <= 40 ? await stores.readBySlug(sql, slug) : undefined;
	if (!store) error(404, { message: `store "${slug}" not found`, code: 'storeNotFound' });
	return store;
}
