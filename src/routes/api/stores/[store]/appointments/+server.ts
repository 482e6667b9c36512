import { bookCommand } from '$lib/server/appointments/command';
import { bookAppointment } from '$lib/server/appointments/book';
import { bookingRoute } from '$lib/server/appointments/bookingRoute';
import type { RequestHandler } from './$types';

/**
 * POST a booking (body: see bookCommand in src/lib/server/appointments/command.ts) with a session
 * cookie (same origin) or an API token: 200 `{ appointment, event, replayed }`, its card in prep
 * broadcast as `card:created`; 400 invalid input, 403 (an override by anyone but a director), 404
 * unknown customer or vehicle, 422 `bookingRefused` with the capacity rule's `reason`.
 */
export const POST: RequestHandler = bookingRoute('appointment:book', bookCommand, bookAppointment, (command) => ({
	day: command.day,
	start: command.start
}));
