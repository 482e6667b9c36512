import { json } from '@sveltejs/kit';
import type { BookingError } from '$lib/realtime/contract';

const STATUS: Record<BookingError['code'], number> = {
	invalidInput: 400,
	unauthenticated: 401,
	forbidden: 403,
	storeNotFound: 404,
	cardNotFound: 404,
	customerNotFound: 404,
	vehicleNotFound: 404,
	appointmentNotFound: 404,
	versionConflict: 409,
	moveRefused: 422,
	editRefused: 422,
	bookingRefused: 422,
	appointmentRefused: 422,
	rateLimited: 429,
	unavailable: 503,
	internal: 500
};

/** A booking error as `{ error: { code, message, reason?, ... } }` with its HTTP status. */
export const bookingErrorResponse = (error: BookingError) =>
	json({ error }, { status: STATUS[error.code] });

/** The body of a JSON write: an object of at most `max` bytes, or why not. */
export async function readJsonObject(
	request: Request,
	max: number
): Promise<{ ok: true; body: Record<string, unknown> } | { ok: false; error: BookingError }> {
	const text = await request.text();
	if (text.length > max) {
		return { ok: false, error: { code: 'invalidInput', message: `body larger than ${max} bytes` } };
	}
	let body: unknown;
	try {
		body = JSON.parse(text);
	} catch {
		return { ok: false, error: { code: 'invalidInput', message: 'body is not JSON' } };
	}
	if (typeof body !== 'object' || body === null || Array.isArray(body)) {
		return { ok: false, error: { code: 'invalidInput', message: 'body must be a JSON object' } };
	}
	return { ok: true, body: body as Record<string, unknown> };
}

/** The query string as a plain object; a parameter given twice is refused by being an array. */
export function queryObject(url: URL): Record<string, string | string[]> {
	const out: Record<string, string | string[]> = {};
	for (const key of new Set(url.searchParams.keys())) {
		const all = url.searchParams.getAll(key);
		out[key] = all.length === 1 ? all[0] : all;
	}
	return out;
}
