import { json } from '@sveltejs/kit';
import { parse, syncRequest } from '$lib/server/board/commands';
import { sync } from '$lib/server/realtime/server';
import { getServices } from '$lib/server/services';
import { errorResponse } from '$lib/server/http/errors';
import { requireApiAccess } from '$lib/server/http/access';
import type { RequestHandler } from './$types';

/** GET ?since=N: the events after N, or a snapshot when N is too far behind. */
export const GET: RequestHandler = async (event) => {
	const access = await requireApiAccess(event, event.params.store, 'board:view');
	if (!access.ok) return access.response;
	const { store } = access.access;
	const { url } = event;
	const request = parse(syncRequest, { since: Number(url.searchParams.get('since') ?? 'NaN') });
	if (!request.ok) return errorResponse(request.error);
	const { sql, snapshots } = getServices();
	return json(await sync(sql, snapshots, store.id, request.data.since));
};
