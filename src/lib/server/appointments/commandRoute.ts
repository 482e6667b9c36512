import type { RequestEvent } from '@sveltejs/kit';
import type { z } from 'zod';
import { can } from '$lib/domain/permissions';
import type { BookingError, CommandError } from '$lib/realtime/contract';
import { parse } from '../board/commands';
import { actorLabel, actorUserId } from '../auth/principal';
import { auditRefusal, requireApiAccess, sourceOf, type StoreAccess } from '../http/access';
import { bookingErrorResponse, readJsonObject } from './http';

/** A refusal: audited (with the rule's reason and `detail`), and answered with its status. */
export type Refuse = (error: BookingError, detail?: Record<string, unknown>) => Response;

export interface AcceptedCommand<C> extends StoreAccess {
	command: C;
	refuse: Refuse;
	/** who acts, as the audit row and the card's history name them */
	actor: { userId: number | null; label: string; source: string };
}

/**
 * What every appointment POST (bookingRoute, changeRoute) does before its own work: the access
 * check (`appointment:book`); `before`, a check of the URL's own parameters; a strict body of at
 * most `maxBody` bytes; an override of capacity only by a director (`appointment:override`).
 * Every refusal is audited under `action`. Either the response to send, or the command.
 */
export async function acceptCommand<C extends { override?: unknown }>(
	event: RequestEvent<{ store: string }>,
	action: string,
	schema: z.ZodType<C>,
	maxBody: number,
	before: () => BookingError | undefined = () => undefined
): Promise<Response | AcceptedCommand<C>> {
	const access = await requireApiAccess(event, event.params.store, 'appointment:book');
	if (!access.ok) return access.response;
	const { store, principal, roles } = access.access;
	const refuse: Refuse = (error, detail = {}) => {
		// the audit row keeps the code and message; a booking's extra codes are strings like any other
		auditRefusal(event, store.id, action, error as CommandError, {
			...(error.reason ? { reason: error.reason } : {}),
			...detail
		});
		return bookingErrorResponse(error);
	};
	const early = before();
	if (early) return refuse(early);
	const body = await readJsonObject(event.request, maxBody);
	if (!body.ok) return refuse(body.error);
	const command = parse(schema, body.body);
	if (!command.ok) return refuse({ code: command.error.code, message: command.error.message });
	if (command.data.override && !can(roles, 'appointment:override')) {
		return refuse({
			code: 'forbidden',
			message: `${actorLabel(principal)} may not override capacity: only a technical director may`
		});
	}
	const actor = { userId: actorUserId(principal), label: actorLabel(principal), source: sourceOf(event) };
	return { ...access.access, command: command.data, refuse, actor };
}
