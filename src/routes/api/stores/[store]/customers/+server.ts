import { json } from '@sveltejs/kit';
import { parse } from '$lib/server/board/commands';
import { customerQuery } from '$lib/server/appointments/command';
import * as customers from '$lib/server/appointments/customers';
import { queryObject } from '$lib/server/appointments/http';
import { errorResponse } from '$lib/server/http/errors';
import { auditRefusal, requireApiAccess } from '$lib/server/http/access';
import { getServices } from '$lib/server/services';
import type { RequestHandler } from './$types';

/** GET ?phone=13812345678 or ?plate=沪A12345: `{ customers }`, each with their vehicles. */
export const GET: RequestHandler = async (event) => {
	const access = await requireApiAccess(event, event.params.store, 'board:view');
	if (!access.ok) return access.response;
	const { store } = access.access;
	const query = parse(customerQuery, queryObject(event.url));
	if (!query.ok) {
		const error = { code: 'invalidInput', message: 'give exactly one of phone= or plate=' } as const;
		auditRefusal(event, store.id, 'board:view', error);
		return errorResponse(error);
	}
	return json({ customers: await customers.find(getServices().sql, store.id, query.data) });
};
