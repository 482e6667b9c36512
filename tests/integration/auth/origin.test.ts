/**
 * G8, cross-site WebSocket hijacking and CSRF: a page of another site can make the browser open
 * a socket or send a write with the user's cookies; only the Origin header tells it apart. A
 * handshake or a cookie-authenticated write from a foreign Origin is refused and audited; with
 * ALLOWED_ORIGINS only those origins pass; an API token needs no Origin (browsers never send it
 * on their own).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisUrl } from '../../adminUrl';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { readCard, writeCounts } from '../helpers/boardFixture';
import { cleanup, type App } from '../helpers/apps';
import { openSocket, until, type BoardSocket } from '../helpers/clients';
import { requireRedis } from '../helpers/processes';
import {
	addCards,
	createAuthWorld,
	lastAuditId,
	refusalRows,
	startAuthApp,
	startWebApp,
	type AuthWorld,
	type WebApp
} from '../helpers/authWorld';

const opened = cleanup();
let db: TestDatabase;
let world: AuthWorld;
/** the real app, no allow-list: only its own origin passes */
let web: WebApp;
/** the real app behind a proxy: ALLOWED_ORIGINS=https://board.example.com */
let proxied: WebApp;
/** realtime in this process, with and without an allow-list */
let plain: App;
let listed: App;
const BOARD_ORIGIN = 'https://board.example.com';

beforeAll(async () => {
	await requireRedis(redisUrl);
	db = opened.add(await createTestDatabase(), (d) => d.drop());
	world = await createAuthWorld(db.sql);
	plain = opened.add(
		await startAuthApp({ name: 'inst-origin', databaseUrl: db.url, redisUrl }),
		(a) => a.close()
	);
	listed = opened.add(
		await startAuthApp({
			name: 'inst-listed',
			databaseUrl: db.url,
			redisUrl,
			allowedOrigins: [BOARD_ORIGIN]
		}),
		(a) => a.close()
	);
	[web, proxied] = await Promise.all([
		startWebApp({ name: 'inst-web', databaseUrl: db.url, redisUrl }),
		startWebApp({
			name: 'inst-proxied',
			databaseUrl: db.url,
			redisUrl,
			allowedOrigins: [BOARD_ORIGIN]
		})
	]);
	opened.add(web, (w) => w.stop());
	opened.add(proxied, (w) => w.stop());
}, 120_000);
afterAll(() => opened.run());

/** A handshake with exactly these headers; resolves 'connected' or the refusal's message. */
async function handshake(
	url: string,
	options: { cookie?: string; origin?: string; token?: string; slug?: string }
): Promise<string> {
	const extraHeaders: Record<string, string> = {};
	if (options.cookie !== undefined) extraHeaders.cookie = options.cookie;
	if (options.origin !== undefined) extraHeaders.origin = options.origin;
	const socket: BoardSocket = openSocket(
		url,
		{ slug: '', cookie: '' },
		{
			extraHeaders,
			auth: {
				store: options.slug ?? world.stores.A.slug,
				...(options.token ? { token: options.token } : {})
			},
			reconnection: false
		}
	);
	try {
		return await new Promise<string>((resolve) => {
			socket.once('connect', () => resolve('connected'));
			socket.once('connect_error', (error) => resolve(error.message));
			socket.connect();
		});
	} finally {
		socket.close();
	}
}

const advisorCookie = () => world.users.advisor.cookie!;

describe('socket handshake (cross-site WebSocket hijacking)', () => {
	it('a valid session cookie from a foreign Origin is refused as originNotAllowed, and audited', async () => {
		const from = await lastAuditId(db.sql);
		for (const app of [plain, web]) {
			const own = app.url;
			expect(await handshake(own, { cookie: advisorCookie(), origin: own })).toBe('connected');
			const port = Number(new URL(own).port);
			for (const origin of [
				'http://evil.example',
				'null', // a sandboxed iframe or a file:// page
				`http://127.0.0.1:${port + 1}`, // another app on the same machine: cookies are not per port
				`http://localhost:${port}`,
				`http://127.0.0.1:${port}.evil.example`,
				`http://127.0.0.1:${port}@evil.example`,
				''
			]) {
				expect(
					await handshake(own, { cookie: advisorCookie(), origin }),
					`Origin "${origin}"`
				).toBe('originNotAllowed');
			}
			// a display's cookie and an API token are no different
			expect(
				await handshake(own, { cookie: world.display.cookie, origin: 'http://evil.example' })
			).toBe('originNotAllowed');
			expect(
				await handshake(own, { token: world.tokens.advisor.bearer, origin: 'http://evil.example' })
			).toBe('originNotAllowed');
		}
		await until(
			async () =>
				(await refusalRows(db.sql, from)).filter(
					(r) => r.action === 'socket:connect' && r.detail.reason === 'originNotAllowed'
				).length ===
				2 * 9,
			'every foreign-Origin handshake is audited as refused'
		);
		const rows = (await refusalRows(db.sql, from)).filter(
			(r) => r.detail.origin === 'http://evil.example'
		);
		expect(rows.every((r) => /^socket 127\.0\.0\.1 inst-(origin|web)$/.test(r.source))).toBe(true);
	});

	it('with no Origin and no credential: unauthenticated; with no Origin and a cookie: a script, let in', async () => {
		for (const app of [plain, web]) {
			expect(await handshake(app.url, {})).toBe('unauthenticated');
			expect(await handshake(app.url, { cookie: 'wb_session=' })).toBe('unauthenticated');
			expect(await handshake(app.url, { token: 'x'.repeat(43) })).toBe('unauthenticated');
			expect(await handshake(app.url, { cookie: advisorCookie() })).toBe('connected');
		}
	});

	it('with ALLOWED_ORIGINS only the listed origins pass, not even the host the request came to', async () => {
		for (const app of [listed, proxied]) {
			expect(await handshake(app.url, { cookie: advisorCookie(), origin: BOARD_ORIGIN })).toBe(
				'connected'
			);
			for (const origin of [
				app.url,
				'http://board.example.com',
				`${BOARD_ORIGIN}:8443`,
				'https://evil.example'
			]) {
				expect(await handshake(app.url, { cookie: advisorCookie(), origin }), origin).toBe(
					'originNotAllowed'
				);
			}
		}
	});
});

describe('cookie-authenticated writes over HTTP (CSRF)', () => {
	async function post(app: WebApp, cardId: number, headers: Record<string, string>, key: string) {
		const response = await fetch(
			`${app.url}/api/stores/${world.stores.A.slug}/cards/${cardId}/move`,
			{
				method: 'POST',
				headers: { 'content-type': 'application/json', ...headers },
				body: JSON.stringify({ to: 'ready', expectedVersion: 1, idempotencyKey: key })
			}
		);
		return { status: response.status, body: await response.text() };
	}

	it('a foreign, "null" or missing Origin with a valid cookie: 403, and nothing written', async () => {
		const [cardId] = await addCards(db.sql, world.stores.A, [{ column: 'prep' }]);
		const before = await writeCounts(db.sql);
		const cookie = advisorCookie();
		const attempts: Record<string, string>[] = [
			{ cookie, origin: 'http://evil.example' },
			{ cookie, origin: 'null' },
			{ cookie },
			{ cookie, origin: `http://localhost:${new URL(web.url).port}` },
			// a malformed Authorization header does not turn a cookie write into a token write
			{ cookie, origin: 'http://evil.example', authorization: 'Basic YWRtaW46YWRtaW4=' },
			{ cookie, authorization: 'Bearer' },
			// a display's cookie, same origin: a display never writes
			{ cookie: world.display.cookie, origin: web.url }
		];
		for (const [i, headers] of attempts.entries()) {
			const answer = await post(web, cardId, headers, `csrf-${i}-0001`);
			expect(answer.status, JSON.stringify(headers)).toBe(403);
		}
		// a form post (text/plain, as <form enctype> can send) from another site
		const form = await fetch(`${web.url}/api/stores/${world.stores.A.slug}/cards/${cardId}/move`, {
			method: 'POST',
			headers: { cookie, origin: 'http://evil.example', 'content-type': 'text/plain' },
			body: JSON.stringify({ to: 'ready', expectedVersion: 1, idempotencyKey: 'csrf-form-0001' })
		});
		expect(form.status).toBe(403);
		expect(await readCard(db.sql, cardId)).toMatchObject({ column: 'prep', version: 1 });
		expect(await writeCounts(db.sql)).toEqual(before);

		// the same cookie from the page's own origin does move it (the refusals were about Origin)
		const same = await post(web, cardId, { cookie, origin: web.url }, 'csrf-same-0001');
		expect(same.status, same.body).toBe(200);
		expect(await readCard(db.sql, cardId)).toMatchObject({ column: 'ready', version: 2 });
	});

	it('with ALLOWED_ORIGINS, a cookie write passes from a listed origin only', async () => {
		const [cardId] = await addCards(db.sql, world.stores.A, [{ column: 'prep' }]);
		const cookie = advisorCookie();
		expect(
			(await post(proxied, cardId, { cookie, origin: proxied.url }, 'listed-own-0001')).status
		).toBe(403);
		expect(
			(await post(proxied, cardId, { cookie, origin: 'https://evil.example' }, 'listed-evil-01'))
				.status
		).toBe(403);
		expect(await readCard(db.sql, cardId)).toMatchObject({ column: 'prep', version: 1 });
		const listedAnswer = await post(
			proxied,
			cardId,
			{ cookie, origin: BOARD_ORIGIN },
			'listed-ok-0001'
		);
		expect(listedAnswer.status, listedAnswer.body).toBe(200);
		expect(await readCard(db.sql, cardId)).toMatchObject({ column: 'ready', version: 2 });
	});

	it('an API token needs no Origin; a session token sent as a Bearer token is no API token', async () => {
		const [cardId, other] = await addCards(db.sql, world.stores.A, [
			{ column: 'prep' },
			{ column: 'prep' }
		]);
		const bearer = await post(
			web,
			cardId,
			{ authorization: `Bearer ${world.tokens.advisor.bearer}` },
			'bearer-0001'
		);
		expect(bearer.status, bearer.body).toBe(200);
		expect(JSON.parse(bearer.body).event.actor).toBe(
			`token ${world.tokens.advisor.tokenId} (dms-advisor)`
		);

		const sessionToken = advisorCookie().split('=')[1];
		const wrongKind = await post(
			web,
			other,
			{ authorization: `Bearer ${sessionToken}` },
			'bearer-0002'
		);
		expect(wrongKind.status).toBe(401);
		// a bad Bearer token with a good cookie is refused, not quietly served by the cookie
		const mixed = await post(
			web,
			other,
			{ authorization: `Bearer ${'A'.repeat(43)}`, cookie: advisorCookie(), origin: web.url },
			'bearer-0003'
		);
		expect(mixed.status).toBe(401);
		expect(await readCard(db.sql, other)).toMatchObject({ column: 'prep', version: 1 });
	});
});
