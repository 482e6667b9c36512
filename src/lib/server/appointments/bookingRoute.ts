import { json, type RequestEvent } from '@sveltejs/kit';
import type { z } from 'zod';
import { can } from '$lib/domain/permissions';
import type { BoardEvent, BookingError, CommandError } from '$lib/realtime/contract';
import { parse } from '../board/commands';
import { actorLabel, actorUserId } from '../auth/principal';
import { auditRefusal, requireApiAccess, sourceOf } from '../http/access';
import { getServices } from '../services';
import type { Sql } from '../db/connect';
import type { Store } from '../db/stores';
import type { BookingActor } from './book';
import { bookingErrorResponse, readJsonObject } from './http';

const MAX_BODY = 4 * 1024;

type Answer = { ok: true; data: { event: BoardEvent; replayed: boolean } } | { ok: false; error: BookingError };

/**
 * A POST that puts a new card on the board for whoever may book (`appointment:book`): a booking,
 * a walk-in. Strict body, an override of capacity only by a director (`appointment:override`),
 * each refusal audited with the rule's reason and `detail(command)`, the card:created broadcast
 * after COMMIT, a retry with the same key answered with the first result.
 */
export function bookingRoute<C extends { override?: unknown }>(
	action: string,
	schema: z.ZodType<C>,
	run: (sql: Sql, store: Store, command: C, actor: BookingActor) => Promise<Answer>,
	detail: (command: C) => Record<string, unknown> = () => ({})
) {
	return async (event: RequestEvent<{ store: string }>) => {
		const access = await requireApiAccess(event, event.params.store, 'appointment:book');
		if (!access.ok) return access.response;
		const { store, principal, roles } = access.access;
		const refuse = (error: BookingError, more: Record<string, unknown> = {}) => {
			// the audit row keeps the code and message; a booking's extra codes are strings like any other
			auditRefusal(event, store.id, action, error as CommandError, {
				...(error.reason ? { reason: error.reason } : {}),
				...more
			});
			return bookingErrorResponse(error);
		};
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
		const result = await run(sql, store, command.data, {
			userId: actorUserId(principal),
			label: actorLabel(principal),
			source: sourceOf(event),
			advisorId: roles.includes('advisor') ? actorUserId(principal) : null
		});
		if (!result.ok) return refuse(result.error, detail(command.data));
		if (!result.data.replayed) realtime.broadcast(store.id, result.data.event);
		return json(result.data);
	};
}
