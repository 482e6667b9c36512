import { confirmCommand } from '$lib/server/appointments/command';
import { confirm } from '$lib/server/appointments/lifecycle';
import { changeRoute } from '$lib/server/appointments/changeRoute';
import type { RequestHandler } from './$types';

/** See lifecycle.ts (confirm) and changeRoute.ts; body: confirmCommand in command.ts. */
export const POST: RequestHandler = changeRoute('appointment.confirm', confirmCommand, confirm);
