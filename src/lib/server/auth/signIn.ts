import type { Sql } from '../db/connect';
import { record } from './audit';
import { MAX_PASSWORD_LENGTH, verifyPassword } from './password';
import * as sessions from './sessions';

/** Failed sign-ins allowed per account, and per address, within the window. */
export const SIGN_IN_LIMITS = { perAccount: 5, perAddress: 20, windowMinutes: 15 } as const;

export type SignInResult =
	| { ok: true; token: string; userId: number; expiresAt: Date }
	| { ok: false; code: 'badCredentials' }
	| { ok: false; code: 'tooManyAttempts'; retryAfterSeconds: number };

/**
 * Checks a user name and password. Every attempt, good or bad, is counted and audited. After too
 * many failures for the account or from the address, the password is not even checked until the
 * window has passed, so guessing is slow whichever instance it is sent to.
 */
export async function signIn(
	sql: Sql,
	input: { username: string; password: string; address: string; userAgent: string }
): Promise<SignInResult> {
	const username = input.username.trim().slice(0, 64);
	const source = `http ${input.address}`;
	const window = `${SIGN_IN_LIMITS.windowMinutes} minutes`;
	// Count, check and record as one step per account and per address: parallel guesses queue here
	// instead of each finding the count still under the limit. (Locks are taken account first,
	// then address, by everyone, so two sign-ins never wait on each other in a circle.)
	const outcome = await sql.begin(async (tx) => {
		await tx`select pg_advisory_xact_lock(hashtextextended(${'sign-in account ' + username.toLowerCase()}, 0))`;
		await tx`select pg_advisory_xact_lock(hashtextextended(${'sign-in address ' + input.address}, 0))`;
		const [counts] = await tx<{ account: number; address: number; oldest: Date | null }[]>`
			select
				(select count(*)::int from sign_in_attempts where not ok
					and lower(username) = lower(${username}) and at > now() - ${window}::interval) as account,
				(select count(*)::int from sign_in_attempts where not ok
					and address = ${input.address} and at > now() - ${window}::interval) as address,
				(select min(at) from sign_in_attempts where not ok and at > now() - ${window}::interval
					and (lower(username) = lower(${username}) or address = ${input.address})) as oldest`;
		if (counts.account >= SIGN_IN_LIMITS.perAccount || counts.address >= SIGN_IN_LIMITS.perAddress) {
			const until = (counts.oldest?.getTime() ?? Date.now()) + SIGN_IN_LIMITS.windowMinutes * 60_000;
			await record(tx as unknown as Sql, {
				storeId: null,
				userId: null,
				label: username || '(empty)',
				action: 'auth:signIn',
				outcome: 'refused',
				source,
				detail: { reason: 'tooManyAttempts', account: counts.account, address: counts.address }
			});
			return {
				limited: true as const,
				retryAfterSeconds: Math.max(1, Math.ceil((until - Date.now()) / 1000))
			};
		}

		const [user] = await tx<{ id: number; passwordHash: string | null; disabled: boolean }[]>`
			select id::int, password_hash as "passwordHash", disabled_at is not null as disabled
			from users where lower(username) = lower(${username})`;
		const password = input.password.slice(0, MAX_PASSWORD_LENGTH);
		const matches = await verifyPassword(user?.passwordHash ?? null, password);
		const ok = Boolean(user && matches && !user.disabled);
		await tx`
			insert into sign_in_attempts (username, address, ok) values (${username}, ${input.address}, ${ok})`;
		await record(tx as unknown as Sql, {
			storeId: null,
			userId: user?.id ?? null,
			label: username || '(empty)',
			action: 'auth:signIn',
			outcome: ok ? 'ok' : 'refused',
			source,
			detail: ok ? {} : { reason: !user ? 'unknownUser' : user.disabled ? 'disabled' : 'wrongPassword' }
		});
		return { limited: false as const, ok, user };
	});
	if (outcome.limited) {
		return { ok: false, code: 'tooManyAttempts', retryAfterSeconds: outcome.retryAfterSeconds };
	}
	// the limits look back 15 minutes; the audit log keeps the history, this table need not
	if (Math.random() < 0.01) await sql`delete from sign_in_attempts where at < now() - interval '1 day'`;
	const { ok, user } = outcome;
	if (!ok || !user) return { ok: false, code: 'badCredentials' };
	const session = await sessions.create(sql, user.id, input);
	return { ok: true, token: session.token, userId: user.id, expiresAt: session.expiresAt };
}
