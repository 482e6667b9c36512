import { json, type RequestEvent } from '@sveltejs/kit';
import type { z } from 'zod';
import type { BoardEvent, BookingError } from '$lib/realtime/contract';
import { getServices } from '../services';
import type { Sql } from '../db/connect';
import type { Store } from '../db/stores';
import type { BookingActor } from './book';
import { acceptCommand } from './commandRoute';

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
		const accepted = await acceptCommand(event, action, schema, MAX_BODY);
		if (accepted instanceof Response) return accepted;
		const { store, roles, command, refuse, actor } = accepted;
		const { sql, realtime } = getServices();
		const result = await run(sql, store, command, {
			...actor,
			advisorId: roles.includes('advisor') ? actor.userId : null
		});
		if (!result.ok) return refuse(result.error, detail(command));
		if (!result.data.replayed) realtime.broadcast(store.id, result.data.event);
		return json(result.data);
	};
}
