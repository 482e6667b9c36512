import { noShowCommand } from '$lib/server/appointments/command';
import { markNoShow } from '$lib/server/appointments/lifecycle';
import { changeRoute } from '$lib/server/appointments/changeRoute';
import type { RequestHandler } from './$types';

/** See lifecycle.ts (markNoShow) and changeRoute.ts; body: noShowCommand in command.ts. */
export const POST: RequestHandler = changeRoute('appointment.noShow', noShowCommand, markNoShow);
