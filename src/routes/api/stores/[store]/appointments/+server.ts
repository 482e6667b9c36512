import { json } from '@sveltejs/kit';
import { can } from '$lib/domain/permissions';
import type { BookingError, CommandError } from '$lib/realtime/contract';
import { parse } from '$lib/server/board/commands';
import { bookCommand } from '$lib/server/appointments/command';
import { bookAppointment } from '$lib/server/appointments/book';
import { bookingErrorResponse, readJsonObject } from '$lib/server/appointments/http';
import { auditRefusal, requireApiAccess, sourceOf } from '$lib/server/http/access';
import { actorLabel, actorUserId } from '$lib/server/auth/principal';
import { getServices } from '$lib/server/services';
import type { RequestHandler } from './$types';

const MAX_BODY = 4 * 1024;

/**
 * POST a booking (body: see bookCommand in src/lib/server/appointments/command.ts) with a session
 * cookie (same origin) or an API token: 200 `{ appointment, event, replayed }`, its card in prep
 * broadcast as `card:created`; 400 invalid input, 403 (an override by anyone but a director), 404
 * unknown customer or vehicle, 422 `bookingRefused` with the capacity rule's `reason`.
 */
export const POST: RequestHandler = async (event) => {
	const access = await requireApiAccess(event, event.params.store, 'appointment:book');
	if (!access.ok) return access.response;
	const { store, principal, roles } = access.access;
	const refuse = (error: BookingError, detail: Record<string, unknown> = {}) => {
		// the audit row keeps the code and message; a booking's extra codes are strings like any other
		auditRefusal(event, store.id, 'appointment:book', error as CommandError, {
			...(error.reason ? { reason: error.reason } : {}),
			...detail
		});
		return bookingErrorResponse(error);
	};
	const body = await readJsonObject(event.request, MAX_BODY);
	if (!body.ok) return refuse(body.error);
	const command = parse(bookCommand, body.body);
	if (!command.ok) return refuse({ code: command.error.code, message: command.error.message });
	if (command.data.override && !can(roles, 'appointment:override')) {
		return refuse({
			code: 'forbidden',
			message: `${actorLabel(principal)} may not override capacity: only a technical director may`
		});
	}

	const { sql, realtime } = getServices();
	const result = await bookAppointment(sql, store, command.data, {
		userId: actorUserId(principal),
		label: actorLabel(principal),
		source: sourceOf(event),
		advisorId: roles.includes('advisor') ? actorUserId(principal) : null
	});
	if (!result.ok) return refuse(result.error, { day: command.data.day, start: command.data.start });
	if (!result.data.replayed) realtime.broadcast(store.id, result.data.event);
	return json(result.data);
};
