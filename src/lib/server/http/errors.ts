import { json } from '@sveltejs/kit';
import type { CommandError, ErrorCode } from '$lib/realtime/contract';

const STATUS: Record<ErrorCode, number> = {
	invalidInput: 400,
	unauthenticated: 401,
	forbidden: 403,
	storeNotFound: 404,
	cardNotFound: 404,
	versionConflict: 409,
	moveRefused: 422,
	editRefused: 422,
	rateLimited: 429,
	unavailable: 503,
	internal: 500
};

/** A command error as a JSON response: `{ error: { code, message, ... } }` with its HTTP status. */
export const errorResponse = (error: CommandError) => json({ error }, { status: STATUS[error.code] });
