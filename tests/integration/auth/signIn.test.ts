/**
 * Sign-in (issue #4): passwords are stored as argon2id with OWASP's minimum parameters; a right
 * password gives a session, a wrong one a plain `badCredentials`; guessing is limited per account
 * (5 failures) and per address (20) within 15 minutes, on every instance alike; a disabled user
 * is out, sessions included; every attempt leaves an audit row saying who, when (UTC), what, from
 * where and how it ended.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { cleanup } from '../helpers/apps';
import { connect, type Sql } from '$lib/server/db/connect';
import { hashPassword, ARGON2_OPTIONS } from '$lib/server/auth/password';
import { signIn, SIGN_IN_LIMITS, type SignInResult } from '$lib/server/auth/signIn';
import { fromSession } from '$lib/server/auth/principal';
import { addUser } from '../helpers/authWorld';

const opened = cleanup();
let db: TestDatabase;
/** a second pool: a second instance, as far as the limits are concerned */
let other: Sql;
const PASSWORD = '正确的马 battery staple 42';
let hash: string;

beforeAll(async () => {
	db = opened.add(await createTestDatabase(), (d) => d.drop());
	other = opened.add(connect(db.url, 10), (s) => s.end({ timeout: 5 }));
	hash = await hashPassword(PASSWORD);
});
afterAll(() => opened.run());

let n = 0;
/** A fresh user with PASSWORD, and a fresh address (the attempts table is shared by all tests). */
async function person(label: string) {
	const username = `${label}-${randomBytes(4).toString('hex')}`;
	const userId = await addUser(db.sql, username, { passwordHash: hash });
	return { username, userId };
}
const address = () => `127.${(++n >> 8) & 255}.${n & 255}.${Math.floor(Math.random() * 250) + 1}`;
const attempt = (username: string, password: string, from: string, sql: Sql = db.sql) =>
	signIn(sql, { username, password, address: from, userAgent: 'auth-test' });
const codeOf = (r: SignInResult) => (r.ok ? 'ok' : r.code);

describe('the stored password', () => {
	it('is argon2id, m=19456 KiB, t=2, p=1, with a random salt (PHC string)', async () => {
		const user = await person('phc');
		const [row] = await db.sql<
			{ hash: string }[]
		>`select password_hash as hash from users where id = ${user.userId}`;
		const phc =
			/^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(
				row.hash
			);
		expect(phc, row.hash).not.toBeNull();
		const [, m, t, p, salt, digest] = phc!;
		expect({ m: Number(m), t: Number(t), p: Number(p) }).toEqual({ m: 19_456, t: 2, p: 1 });
		expect(ARGON2_OPTIONS).toMatchObject({ memoryCost: 19_456, timeCost: 2, parallelism: 1 });
		expect(Buffer.from(salt, 'base64').length).toBeGreaterThanOrEqual(16);
		expect(Buffer.from(digest, 'base64').length).toBeGreaterThanOrEqual(32);
		// salted: the same password hashes differently each time
		expect(await hashPassword(PASSWORD)).not.toBe(row.hash);
	});
});

describe('signing in', () => {
	it('the right password gives a working session; a wrong one or an unknown user: badCredentials', async () => {
		const user = await person('right');
		const from = address();
		const good = await attempt(user.username, PASSWORD, from);
		expect(good).toMatchObject({ ok: true, userId: user.userId });
		if (!good.ok) return;
		expect(good.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
		expect((await fromSession(db.sql, good.token))?.userId).toBe(user.userId);
		// only the token's hash is stored
		const [row] =
			await db.sql`select count(*)::int as n from sessions where token_hash::text like ${'%' + good.token + '%'}`;
		expect(row.n).toBe(0);

		expect(await attempt(user.username, PASSWORD + ' ', from)).toEqual({
			ok: false,
			code: 'badCredentials'
		});
		expect(await attempt(user.username, '', from)).toEqual({ ok: false, code: 'badCredentials' });
		expect(await attempt(`nobody-${user.username}`, PASSWORD, from)).toEqual({
			ok: false,
			code: 'badCredentials'
		});
		expect(await attempt('', '', from)).toEqual({ ok: false, code: 'badCredentials' });
		// the user name is matched without regard to case or surrounding spaces
		expect((await attempt(`  ${user.username.toUpperCase()} `, PASSWORD, from)).ok).toBe(true);
	});

	it('after 5 failures for one account even the right password is refused, from any address and instance; others still sign in', async () => {
		const victim = await person('victim');
		const bystander = await person('bystander');
		const attacker = address();
		for (let i = 0; i < SIGN_IN_LIMITS.perAccount; i++) {
			// the account, however its name is spelled
			const spelled = i % 2 ? victim.username.toUpperCase() : ` ${victim.username}`;
			expect(codeOf(await attempt(spelled, `guess-${i}`, attacker, i % 2 ? other : db.sql))).toBe(
				'badCredentials'
			);
		}
		const locked = await attempt(victim.username, PASSWORD, address(), other);
		expect(locked).toMatchObject({ ok: false, code: 'tooManyAttempts' });
		if (!locked.ok && locked.code === 'tooManyAttempts') {
			expect(locked.retryAfterSeconds).toBeGreaterThan(0);
			expect(locked.retryAfterSeconds).toBeLessThanOrEqual(SIGN_IN_LIMITS.windowMinutes * 60);
		}
		// another account from another address, and from the attacker's address (5 < 20): fine
		expect(codeOf(await attempt(bystander.username, PASSWORD, address()))).toBe('ok');
		expect(codeOf(await attempt(bystander.username, PASSWORD, attacker))).toBe('ok');
		// the lock lifts when the failures leave the window
		await db.sql`update sign_in_attempts set at = at - interval '16 minutes' where lower(username) = lower(${victim.username})`;
		expect(codeOf(await attempt(victim.username, PASSWORD, address()))).toBe('ok');
	});

	it('20 failures from one address lock that address, for every account; other addresses still sign in', async () => {
		const user = await person('shared-office');
		const bad = address();
		for (let i = 0; i < SIGN_IN_LIMITS.perAddress; i++) {
			// one guess each at many accounts (password spraying): no account reaches its own limit
			expect(
				codeOf(
					await attempt(`spray-${i}-${user.username}`, 'Password1!', bad, i % 2 ? other : db.sql)
				)
			).toBe('badCredentials');
		}
		expect(codeOf(await attempt(user.username, PASSWORD, bad))).toBe('tooManyAttempts');
		expect(codeOf(await attempt(user.username, PASSWORD, address()))).toBe('ok');
	});

	it('concurrent guesses get no more password checks than the limit (no race past the counter)', async () => {
		const target = await person('raced');
		const from = address();
		const results = await Promise.all(
			Array.from({ length: 40 }, (_, i) =>
				attempt(target.username, `guess-${i}`, from, i % 2 ? other : db.sql)
			)
		);
		const checked = results.filter((r) => codeOf(r) === 'badCredentials').length;
		console.log(
			`[signIn] 40 concurrent wrong guesses for one account: ${checked} had their password checked (limit ${SIGN_IN_LIMITS.perAccount})`
		);
		expect(checked).toBeLessThanOrEqual(SIGN_IN_LIMITS.perAccount);
	});
});

describe('disabled users', () => {
	it('cannot sign in, and their existing sessions stop working', async () => {
		const user = await person('disabled');
		const first = await attempt(user.username, PASSWORD, address());
		expect(first.ok).toBe(true);
		if (!first.ok) return;
		await db.sql`update users set disabled_at = now() where id = ${user.userId}`;
		expect(await attempt(user.username, PASSWORD, address())).toEqual({
			ok: false,
			code: 'badCredentials'
		});
		expect(await fromSession(db.sql, first.token)).toBeNull();
		const [audit] = await db.sql`
			select detail from audit_log where actor_label = ${user.username} and outcome = 'refused'`;
		expect(audit.detail).toEqual({ reason: 'disabled' });
	});
});

describe('the audit log of sign-ins', () => {
	it('has one row per attempt: who, when (UTC), what, from where, outcome', async () => {
		const user = await person('audited');
		const stranger = `stranger-${user.username}`;
		const from = address();
		const started = Date.now();
		const plan: {
			username: string;
			password: string;
			want: 'ok' | 'refused';
			reason?: string;
			userId: number | null;
		}[] = [
			{
				username: user.username,
				password: 'nope',
				want: 'refused',
				reason: 'wrongPassword',
				userId: user.userId
			},
			{
				username: stranger,
				password: 'nope',
				want: 'refused',
				reason: 'unknownUser',
				userId: null
			},
			{ username: user.username, password: PASSWORD, want: 'ok', userId: user.userId }
		];
		for (const step of plan) await attempt(step.username, step.password, from);
		for (let i = 0; i < SIGN_IN_LIMITS.perAccount; i++) await attempt(stranger, 'nope', from);
		plan.push(
			...Array.from({ length: SIGN_IN_LIMITS.perAccount - 1 }, () => ({
				username: stranger,
				password: 'nope',
				want: 'refused' as const,
				reason: 'unknownUser',
				userId: null
			})),
			{
				username: stranger,
				password: 'nope',
				want: 'refused',
				reason: 'tooManyAttempts',
				userId: null
			}
		);
		const rows = await db.sql<
			{
				label: string;
				userId: number | null;
				action: string;
				outcome: string;
				source: string;
				at: Date;
				utc: string;
				storeId: number | null;
				detail: { reason?: string };
			}[]
		>`
			select actor_label as label, actor_user_id::int as "userId", action, outcome, source, at,
				iso_utc(at) as utc, store_id as "storeId", detail
			from audit_log where actor_label in (${user.username}, ${stranger}) order by id`;
		expect(rows.map((r) => [r.label, r.outcome, r.detail.reason ?? null, r.userId])).toEqual(
			plan.map((p) => [p.username, p.want, p.reason ?? null, p.userId])
		);
		for (const row of rows) {
			expect(row.action).toBe('auth:signIn');
			expect(row.source).toBe(`http ${from}`);
			expect(row.storeId).toBeNull();
			expect(row.utc).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
			expect(new Date(row.utc).getTime()).toBe(row.at.getTime());
			expect(Math.abs(row.at.getTime() - started)).toBeLessThan(60_000);
		}
		// and the password is in no audit row
		const [leak] =
			await db.sql`select count(*)::int as n from audit_log where detail::text like ${'%' + PASSWORD + '%'}`;
		expect(leak.n).toBe(0);
	});
});
