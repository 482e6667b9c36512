import type { Handle } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { paraglideMiddleware } from '$lib/paraglide/server';
import { authenticate, bearerOf, COOKIES } from '$lib/server/auth/principal';
import { getServices } from '$lib/server/services';

/** Who is asking, once per request: every route reads `locals.principal`, none reads cookies. */
const auth: Handle = async ({ event, resolve }) => {
	event.locals.principal = await authenticate(getServices().sql, {
		bearer: bearerOf(event.request.headers.get('authorization')),
		session: event.cookies.get(COOKIES.session),
		display: event.cookies.get(COOKIES.display)
	});
	return resolve(event);
};

const i18n: Handle = ({ event, resolve }) =>
	paraglideMiddleware(event.request, ({ request, locale }) => {
		event.request = request;
		return resolve(event, {
			transformPageChunk: ({ html }) => html.replace('%paraglide.lang%', locale)
		});
	});

export const handle = sequence(auth, i18n);
