import { rescheduleCommand } from '$lib/server/appointments/command';
import { reschedule } from '$lib/server/appointments/lifecycle';
import { changeRoute } from '$lib/server/appointments/changeRoute';
import type { RequestHandler } from './$types';

/** See lifecycle.ts (reschedule) and changeRoute.ts; body: rescheduleCommand in command.ts. */
export const POST: RequestHandler = changeRoute('appointment.reschedule', rescheduleCommand, reschedule);
