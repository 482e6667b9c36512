/**
 * G9 for credentials: whatever arrives where a credential belongs — handshake `auth` values,
 * cookie values, Bearer tokens; anything at all, oversized, token-shaped but unknown, or a real
 * credential of another kind — is never accepted, the instance stays up, and nothing is written
 * to the board. Against the real built app (pages, JSON API and sockets on one port).
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisUrl } from '../../adminUrl';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { writeCounts } from '../helpers/boardFixture';
import { cleanup } from '../helpers/apps';
import { openSocket } from '../helpers/clients';
import { requireRedis } from '../helpers/processes';
import {
	addCards,
	createAuthWorld,
	startWebApp,
	type AuthWorld,
	type WebApp
} from '../helpers/authWorld';

/** a fuzzed value for an assertion's message: String() throws on some (`{ toString: [] }`) */
function shown(value: unknown): string {
	try {
		return String(value).slice(0, 200);
	} catch {
		return (JSON.stringify(value) ?? typeof value).slice(0, 200);
	}
}

const opened = cleanup();
let db: TestDatabase;
let world: AuthWorld;
let web: WebApp;
let cardId: number;
let before: Awaited<ReturnType<typeof writeCounts>>;

beforeAll(async () => {
	await requireRedis(redisUrl);
	db = opened.add(await createTestDatabase(), (d) => d.drop());
	world = await createAuthWorld(db.sql);
	[cardId] = await addCards(db.sql, world.stores.A, [{ column: 'prep' }]);
	web = opened.add(
		await startWebApp({ name: 'inst-authfuzz', databaseUrl: db.url, redisUrl }),
		(w) => w.stop()
	);
	before = await writeCounts(db.sql);
}, 120_000);
afterAll(() => opened.run());

const slug = () => world.stores.A.slug;
const tally = { handshakes: 0, requests: 0 };

/**
 * One handshake as a browser page of this site would open it, with `auth` and `cookie` as given:
 * 'connected', the refusal's message, or how the connection ended without one.
 */
async function handshake(auth: unknown, cookie?: string): Promise<string> {
	tally.handshakes++;
	const extraHeaders: Record<string, string> = { origin: web.url };
	if (cookie !== undefined) extraHeaders.cookie = cookie;
	const socket = openSocket(
		web.url,
		{ slug: slug(), cookie: '' },
		{
			auth: auth as Record<string, unknown>,
			extraHeaders,
			reconnection: false,
			timeout: 5_000
		}
	);
	try {
		return await new Promise<string>((resolve) => {
			socket.once('connect', () => resolve('connected'));
			socket.once('connect_error', (error) => resolve(error.message));
			socket.once('disconnect', (reason) => resolve(`disconnect: ${reason}`));
			try {
				socket.connect();
			} catch (error) {
				resolve(`client refused to send it: ${(error as Error).message}`);
			}
		});
	} finally {
		socket.close();
	}
}

function roundTrip(value: unknown): unknown {
	const text = JSON.stringify({ value });
	return text === undefined ? undefined : JSON.parse(text).value;
}

/** Printable ASCII: what an HTTP header value may carry. */
const headerSafe = (maxLength: number) =>
	fc
		.array(fc.integer({ min: 0x20, max: 0x7e }), { maxLength })
		.map((codes) => String.fromCharCode(...codes));
/** Shaped like a real token (43 base64url characters), but nobody's. */
const tokenShaped = fc
	.uint8Array({ minLength: 32, maxLength: 32 })
	.map((b) => Buffer.from(b).toString('base64url'));
const anyCookieValue = fc.oneof(
	headerSafe(200),
	fc.string({ unit: 'binary', maxLength: 200 }).map(encodeURIComponent),
	tokenShaped,
	fc.string({ minLength: 8_000, maxLength: 12_000 }).map(encodeURIComponent)
);

async function expectNothingWritten() {
	expect(web.alive(), web.output()).toBe(true);
	expect(await writeCounts(db.sql)).toEqual(before);
	const [card] = await db.sql`select board_column, version from cards where id = ${cardId}`;
	expect(card).toEqual({ board_column: 'prep', version: 1 });
}

describe('handshake credentials', () => {
	it('anything at all as the handshake `auth`: never connected', { timeout: 120_000 }, async () => {
		await fc.assert(
			fc.asyncProperty(fc.anything(), async (auth) => {
				expect(await handshake(auth), JSON.stringify(auth)?.slice(0, 200)).not.toBe('connected');
			}),
			{ numRuns: 150 }
		);
		await expectNothingWritten();
	});

	it(
		'a valid cookie with anything as `auth`: connected only to the store it may see, when it names it',
		{ timeout: 120_000 },
		async () => {
			const { A, B, C } = world.stores;
			const auth = fc.oneof(
				fc.anything(),
				fc.record(
					{
						store: fc.oneof(
							fc.anything(),
							fc.constantFrom(A.slug, B.slug, C.slug, ` ${A.slug}`, A.slug.toUpperCase())
						),
						token: fc.anything()
					},
					{ requiredKeys: [] }
				)
			);
			/** The server's answer, predicted from the contract (G8) for the value as it arrives. */
			const predict = (sent: unknown): string | null => {
				const value = roundTrip(sent);
				if (typeof value !== 'object' || value === null || Array.isArray(value)) return null; // not connected, somehow
				const { store, token } = value as { store?: unknown; token?: unknown };
				if (store !== undefined && (typeof store !== 'string' || store.length > 40))
					return 'storeNotFound';
				if (typeof token === 'string') return 'unauthenticated'; // a Bearer token, and nobody's
				if (store === A.slug) return 'connected';
				if (store === B.slug || store === C.slug) return 'forbidden';
				return 'storeNotFound';
			};
			const seen = new Map<string, number>();
			await fc.assert(
				fc.asyncProperty(auth, async (value) => {
					const answer = await handshake(value, world.users.advisor.cookie);
					seen.set(answer, (seen.get(answer) ?? 0) + 1);
					const expected = predict(value);
					const what = JSON.stringify(value)?.slice(0, 200);
					if (expected === null) expect(answer, what).not.toBe('connected');
					else expect(answer, what).toBe(expected);
				}),
				{ numRuns: 300 }
			);
			console.log(
				`[fuzz] handshake answers with a valid cookie and fuzzed auth: ${JSON.stringify(Object.fromEntries(seen))}`
			);
			await expectNothingWritten();
		}
	);

	it(
		'anything as `auth.token` for a real store: never connected',
		{ timeout: 120_000 },
		async () => {
			const token = fc.oneof(
				fc.anything(),
				tokenShaped,
				fc.string({ minLength: 1_000, maxLength: 14_000 }),
				// a real credential of another kind is no API token
				fc.constantFrom(
					world.users.advisor.cookie!.split('=')[1],
					world.display.token,
					`Bearer ${world.tokens.advisor.bearer}`,
					`${world.tokens.advisor.bearer} `,
					world.tokens.advisor.bearer!.toLowerCase()
				)
			);
			await fc.assert(
				fc.asyncProperty(token, async (value) => {
					expect(
						await handshake({ store: slug(), token: value }),
						shown(value)
					).not.toBe('connected');
				}),
				{ numRuns: 150 }
			);
			await expectNothingWritten();
		}
	);

	it(
		'anything as the session or display cookie: never connected',
		{ timeout: 120_000 },
		async () => {
			const cookie = fc.oneof(
				fc
					.tuple(fc.constantFrom('wb_session', 'wb_display'), anyCookieValue)
					.map(([name, value]) => `${name}=${value}`),
				headerSafe(300),
				// real credentials under the wrong name
				fc.constantFrom(
					`wb_display=${world.users.advisor.cookie!.split('=')[1]}`,
					`wb_session=${world.display.token}`,
					`wb_session=${world.tokens.advisor.bearer}`,
					`wb_display=${world.tokens.director.bearer}`,
					`wb_session="${world.tokens.advisor.bearer}"`
				)
			);
			await fc.assert(
				fc.asyncProperty(cookie, async (value) => {
					expect(await handshake({ store: slug() }, value), value.slice(0, 200)).not.toBe(
						'connected'
					);
				}),
				{ numRuns: 200 }
			);
			await expectNothingWritten();
		}
	);

	it('a Cookie header larger than the server accepts: refused, the instance stays up', async () => {
		for (const size of [8_500, 20_000, 70_000]) {
			const answer = await handshake(
				{ store: slug() },
				`${world.users.advisor.cookie}; pad=${'x'.repeat(size)}`
			);
			expect(answer, `${size}`).not.toBe('connected');
		}
		// a valid cookie before a bloated header of under 8 KiB still works: the refusal was the size
		expect(
			await handshake({ store: slug() }, `${world.users.advisor.cookie}; pad=${'x'.repeat(4_000)}`)
		).toBe('connected');
		await expectNothingWritten();
	});
});

describe('HTTP credentials', () => {
	async function request(headers: Record<string, string>, write: boolean): Promise<number> {
		tally.requests++;
		const url = write
			? `${web.url}/api/stores/${slug()}/cards/${cardId}/move`
			: `${web.url}/api/stores/${slug()}/board`;
		try {
			const response = await fetch(url, {
				method: write ? 'POST' : 'GET',
				headers: { 'content-type': 'application/json', ...headers },
				body: write
					? JSON.stringify({
							to: 'ready',
							expectedVersion: 1,
							idempotencyKey: `fuzz-${randomBytes(6).toString('hex')}`
						})
					: undefined
			});
			await response.arrayBuffer();
			return response.status;
		} catch {
			return 0; // the server closed the connection (a header too large to read)
		}
	}

	it(
		'anything as a Bearer token or an Authorization header: never 200',
		{ timeout: 120_000 },
		async () => {
			const authorization = fc.oneof(
				headerSafe(120).map((t) => `Bearer ${t}`),
				tokenShaped.map((t) => `Bearer ${t}`),
				headerSafe(200),
				fc
					.string({ minLength: 2_000, maxLength: 12_000 })
					.map((t) => `Bearer ${encodeURIComponent(t)}`),
				fc.constantFrom(
					`Bearer ${world.users.advisor.cookie!.split('=')[1]}`,
					`Bearer ${world.display.token}`,
					`Bearer ${world.tokens.advisor.bearer}x`,
					`Bearer ${world.tokens.advisor.bearer} ${world.tokens.advisor.bearer}`,
					`Basic ${Buffer.from(`advisor:${world.tokens.advisor.bearer}`).toString('base64')}`
				)
			);
			await fc.assert(
				fc.asyncProperty(authorization, fc.boolean(), async (value, write) => {
					const status = await request({ authorization: value }, write);
					expect(status, value.slice(0, 200)).not.toBe(200);
					if (status !== 0 && status !== 431) expect(status, value.slice(0, 200)).toBe(401);
				}),
				{ numRuns: 300 }
			);
			await expectNothingWritten();
		}
	);

	it(
		'anything as the session or display cookie, same origin: never 200',
		{ timeout: 120_000 },
		async () => {
			const cookie = fc
				.tuple(fc.constantFrom('wb_session', 'wb_display'), anyCookieValue)
				.map(([name, value]) => `${name}=${value}`);
			await fc.assert(
				fc.asyncProperty(cookie, fc.boolean(), async (value, write) => {
					const status = await request({ cookie: value, origin: web.url }, write);
					expect(status, value.slice(0, 200)).not.toBe(200);
				}),
				{ numRuns: 300 }
			);
			await expectNothingWritten();
		}
	);

	it('after all that, the instance still serves real credentials', async () => {
		const [audit] = await db.sql<{ n: number; anonymous: number }[]>`
			select count(*)::int as n, count(*) filter (where actor_label = 'anonymous')::int as anonymous
			from audit_log where outcome = 'refused'`;
		console.log(
			`[fuzz] ${tally.handshakes} handshakes and ${tally.requests} requests with hostile credentials: ` +
				`none accepted, instance up, nothing written to the board (${audit.n} refusals audited, ` +
				`${audit.anonymous} of them anonymous)`
		);
		expect(await request({ authorization: `Bearer ${world.tokens.parts.bearer}` }, false)).toBe(
			200
		);
		expect(await handshake({ store: slug() }, world.display.cookie)).toBe('connected');
		expect(await request({ authorization: `Bearer ${world.tokens.advisor.bearer}` }, true)).toBe(
			200
		);
		const [card] = await db.sql`select board_column, version from cards where id = ${cardId}`;
		expect(card).toEqual({ board_column: 'ready', version: 2 });
	});
});
