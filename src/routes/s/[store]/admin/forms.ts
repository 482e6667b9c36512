/**
 * What the admin page's forms accept. Pure: the actions read a FormData through these, and the
 * page shows the error codes in the user's language.
 */
import { STAFF_ROLES, type StaffRole } from '$lib/domain/permissions';

export const MAX_NAME = 40;
export const SCREEN_KINDS = ['wall', 'welcome'] as const;
export type ScreenKind = (typeof SCREEN_KINDS)[number];

export type NameError = 'required' | 'tooLong';
export type CodeError = 'required' | 'shape' | 'unknown';

const text = (data: FormData, name: string) => {
	const value = data.get(name);
	return typeof value === 'string' ? value : '';
};

/** A name as Postgres counts it (characters, not UTF-16 units): 1–40 after trimming. */
function readName(data: FormData): { name: string; error?: NameError } {
	const name = text(data, 'name').trim();
	if (!name) return { name, error: 'required' };
	if ([...name].length > MAX_NAME) return { name, error: 'tooLong' };
	return { name };
}

export type PairForm =
	| { ok: true; code: string; kind: ScreenKind; name: string }
	| {
			ok: false;
			values: { code: string; kind: string; name: string };
			errors: { code?: CodeError; kind?: 'invalid'; name?: NameError };
	  };

/**
 * The code as typed ("7kq-m3p" is fine), normalised by `normalise`, and checked by `isShaped`
 * (the server's displays module, passed in so that this stays free of server imports).
 */
export function readPairForm(
	data: FormData,
	code: { normalise: (typed: string) => string; isShaped: (code: string) => boolean }
): PairForm {
	const typed = text(data, 'code').slice(0, 32);
	const normalised = code.normalise(typed);
	const kind = text(data, 'kind');
	const { name, error: nameError } = readName(data);
	const errors: { code?: CodeError; kind?: 'invalid'; name?: NameError } = {};
	if (!normalised) errors.code = 'required';
	else if (!code.isShaped(normalised)) errors.code = 'shape';
	if (!(SCREEN_KINDS as readonly string[]).includes(kind)) errors.kind = 'invalid';
	if (nameError) errors.name = nameError;
	if (errors.code || errors.kind || errors.name) {
		return { ok: false, values: { code: typed, kind, name: name.slice(0, MAX_NAME * 2) }, errors };
	}
	return { ok: true, code: normalised, kind: kind as ScreenKind, name };
}

export type TokenForm =
	| { ok: true; name: string; role: StaffRole }
	| {
			ok: false;
			values: { name: string; role: string };
			errors: { name?: NameError; role?: 'invalid' };
	  };

export function readTokenForm(data: FormData): TokenForm {
	const role = text(data, 'role');
	const { name, error: nameError } = readName(data);
	const errors: { name?: NameError; role?: 'invalid' } = {};
	if (nameError) errors.name = nameError;
	if (!(STAFF_ROLES as readonly string[]).includes(role)) errors.role = 'invalid';
	if (errors.name || errors.role) {
		return { ok: false, values: { name: name.slice(0, MAX_NAME * 2), role }, errors };
	}
	return { ok: true, name, role: role as StaffRole };
}

/** The row id a revoke button sends: a positive integer, or null. */
export function readId(data: FormData): number | null {
	const raw = text(data, 'id');
	if (!/^[1-9][0-9]{0,14}$/.test(raw)) return null;
	return Number(raw);
}
