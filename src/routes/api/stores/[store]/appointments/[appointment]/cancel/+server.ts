import { cancelCommand } from '$lib/server/appointments/command';
import { cancel } from '$lib/server/appointments/lifecycle';
import { changeRoute } from '$lib/server/appointments/changeRoute';
import type { RequestHandler } from './$types';

/** See lifecycle.ts (cancel) and changeRoute.ts; body: cancelCommand in command.ts. */
export const POST: RequestHandler = changeRoute('appointment.cancel', cancelCommand, cancel);
