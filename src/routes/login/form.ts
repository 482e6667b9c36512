/** What the sign-in form accepts, and where a sign-in may send the browser afterwards. */

export const MAX_USERNAME = 64;
export const MAX_PASSWORD = 256;

export type SignInFieldError = 'required' | 'tooLong';

export type SignInForm =
	| { ok: true; username: string; password: string }
	| {
			ok: false;
			username: string;
			errors: { username?: SignInFieldError; password?: SignInFieldError };
	  };

/** Reads the two fields; the password is never trimmed (a space may be part of it). */
export function readSignInForm(data: FormData): SignInForm {
	const rawName = data.get('username');
	const rawPassword = data.get('password');
	const username = typeof rawName === 'string' ? rawName.trim() : '';
	const password = typeof rawPassword === 'string' ? rawPassword : '';
	const errors: { username?: SignInFieldError; password?: SignInFieldError } = {};
	if (!username) errors.username = 'required';
	else if (username.length > MAX_USERNAME) errors.username = 'tooLong';
	if (!password) errors.password = 'required';
	else if (password.length > MAX_PASSWORD) errors.password = 'tooLong';
	if (errors.username || errors.password) {
		return { ok: false, username: username.slice(0, MAX_USERNAME), errors };
	}
	return { ok: true, username, password };
}

/**
 * Only a path on this site: one leading '/', not '//' or '/\' (browsers read both as another
 * host), so a crafted sign-in link cannot send somebody elsewhere after they typed a password.
 */
export function safeNext(next: string | null | undefined): string {
	if (!next || next.length > 2000) return '/';
	if (!next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
	// a control character or a backslash anywhere could be normalised into a host by a browser
	if (/[\u0000-\u001f\u007f\\]/.test(next)) return '/';
	return next;
}
