import { json } from '@sveltejs/kit';
import { can } from '$lib/domain/permissions';
import type { BookingError, CommandError } from '$lib/realtime/contract';
import { parse } from '$lib/server/board/commands';
import { walkInCommand } from '$lib/server/appointments/command';
import { registerWalkIn } from '$lib/server/appointments/walkIn';
import { bookingErrorResponse, readJsonObject } from '$lib/server/appointments/http';
import { auditRefusal, requireApiAccess, sourceOf } from '$lib/server/http/access';
import { actorLabel, actorUserId } from '$lib/server/auth/principal';
import { getServices } from '$lib/server/services';
import type { RequestHandler } from './$types';

const MAX_BODY = 4 * 1024;

/**
 * POST a walk-in (直接入厂: `{ idempotencyKey, customer, vehicle, jobs, override? }`, the booking's
 * fields without day, start and channel): its card straight in "in bay", broadcast as
 * `card:created`; 400, 403 (an override by anyone but a director), 404 unknown customer or
 * vehicle, 422 `bookingRefused` when even the held-back labour is gone (`labourFull`), the store is
 * closed today, or a job type is unknown.
 */
export const POST: RequestHandler = async (event) => {
	const access = await requireApiAccess(event, event.params.store, 'appointment:book');
	if (!access.ok) return access.response;
	const { store, principal, roles } = access.access;
	const refuse = (error: BookingError) => {
		auditRefusal(event, store.id, 'walkIn:register', error as CommandError, error.reason ? { reason: error.reason } : {});
		return bookingErrorResponse(error);
	};
	const body = await readJsonObject(event.request, MAX_BODY);
	if (!body.ok) return refuse(body.error);
	const command = parse(walkInCommand, body.body);
	if (!command.ok) return refuse({ code: command.error.code, message: command.error.message });
	if (command.data.override && !can(roles, 'appointment:override')) {
		return refuse({
			code: 'forbidden',
			message: `${actorLabel(principal)} may not override capacity: only a technical director may`
		});
	}
	const { sql, realtime } = getServices();
	const result = await registerWalkIn(sql, store, command.data, {
		userId: actorUserId(principal),
		label: actorLabel(principal),
		source: sourceOf(event),
		advisorId: roles.includes('advisor') ? actorUserId(principal) : null
	});
	if (!result.ok) return refuse(result.error);
	if (!result.data.replayed) realtime.broadcast(store.id, result.data.event);
	return json(result.data);
};
