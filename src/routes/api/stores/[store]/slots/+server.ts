import { json } from '@sveltejs/kit';
import { parse } from '$lib/server/board/commands';
import { slotsQuery } from '$lib/server/appointments/command';
import * as slots from '$lib/server/appointments/slots';
import { queryObject } from '$lib/server/appointments/http';
import { errorResponse } from '$lib/server/http/errors';
import { auditRefusal, requireApiAccess } from '$lib/server/http/access';
import { getServices } from '$lib/server/services';
import type { RequestHandler } from './$types';

/**
 * GET ?day=YYYY-MM-DD&jobs=maintenance,tyres[&vehicle=id]: the day's arrival slots for these jobs
 * (tier, quota left, price factor, recommended, why not), the day's labour, and the store's job
 * types. For whoever books.
 */
export const GET: RequestHandler = async (event) => {
	const access = await requireApiAccess(event, event.params.store, 'appointment:book');
	if (!access.ok) return access.response;
	const { store } = access.access;
	const query = parse(slotsQuery, queryObject(event.url));
	if (!query.ok) {
		auditRefusal(event, store.id, 'appointment:book', query.error);
		return errorResponse(query.error);
	}
	return json(await slots.list(getServices().sql, store, query.data));
};
