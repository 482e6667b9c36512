import { json, type RequestEvent } from '@sveltejs/kit';
import type { z } from 'zod';
import { can } from '$lib/domain/permissions';
import { getServices } from '../services';
import type { Sql } from '../db/connect';
import type { Store } from '../db/stores';
import type { ChangeActor, ChangeAnswer } from './change';
import { acceptCommand } from './commandRoute';

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
		const id = event.params.appointment;
		const accepted = await acceptCommand(event, action, schema, MAX_BODY, () =>
			/^[1-9]\d{0,15}$/.test(id)
				? undefined
				: { code: 'invalidInput', message: `appointment: "${id.slice(0, 20)}" is not an id` }
		);
		if (accepted instanceof Response) return accepted;
		const { store, roles, command, refuse, actor } = accepted;
		const { sql, realtime } = getServices();
		const result = await run(sql, store, Number(id), command, {
			...actor,
			mayMove: (move) => can(roles, 'card:move', move)
		});
		if (!result.ok) return refuse(result.error, { appointmentId: Number(id) });
		if (!result.data.replayed && result.data.event) realtime.broadcast(store.id, result.data.event);
		return json(result.data);
	};
}
