import { json } from '@sveltejs/kit';
import type { BookingError, CommandError } from '$lib/realtime/contract';
import { parse } from '$lib/server/board/commands';
import { bookingErrorResponse, queryObject, readJsonObject } from '$lib/server/appointments/http';
import { dispatch } from '$lib/server/calls/channel';
import * as calls from '$lib/server/calls/lists';
import { tick, tickCommand } from '$lib/server/calls/tick';
import { actorLabel, actorUserId } from '$lib/server/auth/principal';
import { auditRefusal, requireApiAccess, sourceOf } from '$lib/server/http/access';
import { getServices } from '$lib/server/services';
import { isDateKey } from '$lib/domain/calendar';
import type { RequestHandler } from './$types';

/** GET [?day=YYYY-MM-DD]: the day's call lists (customer service; whoever books). */
export const GET: RequestHandler = async (event) => {
	const access = await requireApiAccess(event, event.params.store, 'appointment:book');
	if (!access.ok) return access.response;
	const query = queryObject(event.url);
	const day = query.day;
	if (day !== undefined && (typeof day !== 'string' || !isDateKey(day))) {
		return bookingErrorResponse({ code: 'invalidInput', message: 'day: a date YYYY-MM-DD' });
	}
	return json(await calls.forDay(getServices().sql, access.access.store, day));
};

/**
 * POST `{ list, vehicleId, about, outcome, note? }` (reminder message / call / second call) or
 * `{ list, taskId, outcome, note? }` (follow-up / no-show call): ticks the entry off. A second tick
 * of the same entry answers with the first (`recorded: false`). A message goes to the outbox and,
 * after COMMIT, to the message channel.
 */
export const POST: RequestHandler = async (event) => {
	const access = await requireApiAccess(event, event.params.store, 'appointment:book');
	if (!access.ok) return access.response;
	const { store, principal } = access.access;
	const body = await readJsonObject(event.request, 2048);
	const refuse = (error: BookingError) => {
		auditRefusal(event, store.id, 'calls.tick', error as CommandError);
		return bookingErrorResponse(error);
	};
	if (!body.ok) return refuse(body.error);
	const command = parse(tickCommand, body.body);
	if (!command.ok) return refuse({ code: command.error.code, message: command.error.message });
	const { sql } = getServices();
	const result = await tick(sql, store, command.data, {
		userId: actorUserId(principal),
		label: actorLabel(principal),
		source: sourceOf(event)
	});
	if (!result.ok) return refuse(result.error);
	if (result.data.outboxId !== null) await dispatch(sql, [result.data.outboxId]);
	return json(result.data);
};
