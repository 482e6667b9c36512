import { walkInCommand } from '$lib/server/appointments/command';
import { registerWalkIn } from '$lib/server/appointments/walkIn';
import { bookingRoute } from '$lib/server/appointments/bookingRoute';
import type { RequestHandler } from './$types';

/**
 * POST a walk-in (直接入厂: `{ idempotencyKey, customer, vehicle, jobs, override? }`, the booking's
 * fields without day, start and channel): its card straight in "in bay", broadcast as
 * `card:created`; 400, 403 (an override by anyone but a director), 404 unknown customer or
 * vehicle, 422 `bookingRefused` when even the held-back labour is gone (`labourFull`), the store is
 * closed today, or a job type is unknown.
 */
export const POST: RequestHandler = bookingRoute('walkIn:register', walkInCommand, registerWalkIn);
