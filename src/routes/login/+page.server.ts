import { fail, redirect } from '@sveltejs/kit';
import { COOKIES } from '$lib/server/auth/principal';
import { signIn } from '$lib/server/auth/signIn';
import { getServices } from '$lib/server/services';
import { readSignInForm, safeNext } from './form';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, url }) => {
	if (locals.principal?.kind === 'user') redirect(303, safeNext(url.searchParams.get('next')));
	return {};
};

export const actions: Actions = {
	default: async (event) => {
		const form = readSignInForm(await event.request.formData());
		if (!form.ok) return fail(400, { username: form.username, errors: form.errors });
		const result = await signIn(getServices().sql, {
			username: form.username,
			password: form.password,
			address: event.getClientAddress(),
			userAgent: event.request.headers.get('user-agent') ?? ''
		});
		if (!result.ok) {
			if (result.code === 'tooManyAttempts') {
				const minutes = Math.ceil(result.retryAfterSeconds / 60);
				return fail(429, { username: form.username, refused: 'tooManyAttempts' as const, minutes });
			}
			return fail(400, { username: form.username, refused: 'badCredentials' as const });
		}
		event.cookies.set(COOKIES.session, result.token, {
			path: '/',
			httpOnly: true,
			sameSite: 'lax',
			secure: event.url.protocol === 'https:',
			expires: result.expiresAt
		});
		redirect(303, safeNext(event.url.searchParams.get('next')));
	}
};
