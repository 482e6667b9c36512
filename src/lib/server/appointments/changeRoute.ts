import { json, type RequestEvent } from '@sveltejs/kit';
import type { z } from 'zod';
import { can } from '$lib/domain/permissions';
import type { BookingError, CommandError } from '$lib/realtime/contract';
import { parse } from '../board/commands';
import { actorLabel, actorUserId } from '../auth/principal';
import { auditRefusal, requireApiAccess, sourceOf } from '../http/access';
import { getServices } from '../services';
import type { Sql } from '../db/connect';
import type { Store } from '../db/stores';
import type { ChangeActor, ChangeAnswer } from './change';
import { bookingErrorResponse, readJsonObject } from './http';

const MAX_BODY = 2 * 1024;

/**
 * `POST /api/stores/:store/appointments/:appointment/<verb>`: whoever may book may confirm,
 * reschedule, cancel and record a no-show (`appointment:book`); an override of capacity is a
 * director's (`appointment:override`). Strict body, precise refusals (each audited), the board
 * event broadcast after COMMIT, a retry with the same key answered with the first result.
 */
export function changeRoute<C extends { idempotencyKey: string; override?: unknown }>(
	action: string,
	schema: z.ZodType<C>,
	run: (sql: Sql, store: Store, appointmentId: number, command: C, actor: ChangeActor) => Promise<ChangeAnswer>
) {
	return async (event: RequestEvent<{ store: string; appointment: string }>) => {
		const access = await requireApiAccess(event, event.params.store, 'appointment:book');
		if (!access.ok) return access.response;
		const { store, principal, roles } = access.access;
		const refuse = (error: BookingError, detail: Record<string, unknown> = {}) => {
			auditRefusal(event, store.id, action, error as CommandError, {
				...(error.reason ? { reason: error.reason } : {}),
				...detail
			});
			return bookingErrorResponse(error);
		};
		const id = event.params.appointment;
		if (!/^[1-9]\d{0,15}$/.test(id)) {
			return refuse({ code: 'invalidInput', message: `appointment: "${id.slice(0, 20)}" is not an id` });
		}
		const body = await readJsonObject(event.request, MAX_BODY);
		if (!body.ok) return refuse(body.error);
		const command = parse(schema, body.body);
		if (!command.ok) return refuse({ code: command.error.code, message: command.error.message });
		if (command.data.override && !can(roles, 'appointment:override')) {
			return refuse({
				code: 'forbidden',
				message: `${actorLabel(principal)} may not override capacity: only a technical director may`
			});
		}
		const { sql, realtime } = getServices();
		const result = await run(sql, store, Number(id), command.data, {
			userId: actorUserId(principal),
			label: actorLabel(principal),
			source: sourceOf(event),
			mayMove: (move) => can(roles, 'card:move', move)
		});
		if (!result.ok) return refuse(result.error, { appointmentId: Number(id) });
		if (!result.data.replayed && result.data.event) realtime.broadcast(store.id, result.data.event);
		return json(result.data);
	};
}
