/**
 * G7: a credential that is taken away stops working everywhere, on every instance, within
 * seconds. Revoking a display (or signing a user out everywhere) disconnects its sockets on both
 * instances behind Redis at once; should that cross-instance message be lost, the periodic
 * revalidation on each instance catches it within `revalidateMs`; the credential cannot connect
 * again. Expired sessions, disabled users and revoked API tokens are covered by the same backstop.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisUrl } from '../../adminUrl';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { readCard } from '../helpers/boardFixture';
import { cleanup, type App } from '../helpers/apps';
import {
	connectSocket,
	disconnected,
	move,
	openSocket,
	type BoardSocket
} from '../helpers/clients';
import { requireRedis } from '../helpers/processes';
import * as displays from '$lib/server/auth/displays';
import * as sessions from '$lib/server/auth/sessions';
import * as apiTokens from '$lib/server/auth/apiTokens';
import {
	addCards,
	addDisplay,
	addUser,
	createAuthWorld,
	signedIn,
	startAuthApp,
	type AuthWorld
} from '../helpers/authWorld';

const opened = cleanup();
let db: TestDatabase;
let world: AuthWorld;
/** two instances behind Redis whose backstop is too slow to matter: only the message counts */
let fastA: App;
let fastB: App;
/** two instances whose backstop runs every BACKSTOP_MS */
let slowA: App;
let slowB: App;
const BACKSTOP_MS = 300;

beforeAll(async () => {
	await requireRedis(redisUrl);
	db = opened.add(await createTestDatabase(), (d) => d.drop());
	world = await createAuthWorld(db.sql);
	const start = (name: string, revalidateMs: number) =>
		startAuthApp({ name, databaseUrl: db.url, redisUrl, revalidateMs }).then((app) =>
			opened.add(app, (a) => a.close())
		);
	[fastA, fastB, slowA, slowB] = await Promise.all([
		start('inst-msg-a', 600_000),
		start('inst-msg-b', 600_000),
		start('inst-backstop-a', BACKSTOP_MS),
		start('inst-backstop-b', BACKSTOP_MS)
	]);
});
afterAll(() => opened.run());

const slug = () => world.stores.A.slug;
const open = async (app: App, cookie: string) =>
	opened.add(await connectSocket(app.url, { slug: slug(), cookie }, { reconnection: false }), (s) =>
		s.close()
	);

/** What a socket saw when it was cut off: whether it was told why, the reason, and when. */
function watchCut(socket: BoardSocket, since: () => number) {
	let told = false;
	socket.on('session:revoked', () => (told = true));
	return new Promise<{ told: boolean; reason: string; ms: number }>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error('still connected after 10 s')), 10_000);
		socket.once('disconnect', (reason) => {
			clearTimeout(timer);
			resolve({ told, reason, ms: performance.now() - since() });
		});
	});
}

async function handshake(
	app: App,
	cookie: string,
	auth: Record<string, unknown> = {}
): Promise<string> {
	const socket = openSocket(
		app.url,
		{ slug: slug(), cookie },
		{ reconnection: false, auth: { store: slug(), ...auth } }
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

const ms = (n: number) => `${Math.round(n)} ms`;

describe('revoking a display', () => {
	it('disconnects its sockets on both instances through Redis, and leaves others connected', async () => {
		const screen = await addDisplay(db.sql, world.stores.A.id, world.adminId, '前台欢迎屏');
		const onA = await open(fastA, screen.cookie);
		const onB = await open(fastB, screen.cookie);
		const bystanders = [
			await open(fastA, world.display.cookie),
			await open(fastB, world.users.advisor.cookie!)
		];
		let t0 = 0;
		const cuts = [watchCut(onA, () => t0), watchCut(onB, () => t0)];

		t0 = performance.now();
		expect(await displays.revoke(db.sql, world.stores.A.id, screen.displayId, world.adminId)).toBe(
			true
		);
		fastA.realtime.disconnectCredential(`display:${screen.displayId}`);
		const [a, b] = await Promise.all(cuts);
		console.log(
			`[revoke] display revoked: same instance ${ms(a.ms)}, other instance (via Redis) ${ms(b.ms)}`
		);
		for (const cut of [a, b])
			expect(cut).toMatchObject({ told: true, reason: 'io server disconnect' });
		expect(b.ms).toBeLessThan(2_000);
		expect(bystanders.every((s) => s.connected)).toBe(true);

		// and it cannot come back, on either instance
		for (const app of [fastA, fastB, slowA])
			expect(await handshake(app, screen.cookie)).toBe('unauthenticated');
		const [row] =
			await db.sql`select revoked_at, revoked_by::int from displays where id = ${screen.displayId}`;
		expect(row.revoked_by).toBe(world.adminId);
	});

	it('with the cross-instance message lost, the backstop disconnects it on each instance within revalidateMs', async () => {
		const screen = await addDisplay(db.sql, world.stores.A.id, world.adminId, '二号大屏');
		const sockets = [await open(slowA, screen.cookie), await open(slowB, screen.cookie)];
		let t0 = 0;
		const cuts = sockets.map((s) => watchCut(s, () => t0));
		t0 = performance.now();
		// only the database learns of it: no disconnectCredential, as when Redis was away
		await displays.revoke(db.sql, world.stores.A.id, screen.displayId, world.adminId);
		const results = await Promise.all(cuts);
		console.log(
			`[revoke] display revoked in the database only: backstop (revalidateMs ${BACKSTOP_MS}) ` +
				`disconnected it after ${results.map((r) => ms(r.ms)).join(' and ')}`
		);
		for (const r of results) {
			expect(r).toMatchObject({ told: true, reason: 'io server disconnect' });
			expect(r.ms).toBeLessThan(2 * BACKSTOP_MS + 500);
		}
		expect(await handshake(slowB, screen.cookie)).toBe('unauthenticated');
	});
});

describe('sessions', () => {
	it('sign-out everywhere ends every session of the user on every instance', async () => {
		const userId = await addUser(db.sql, `everywhere-${Date.now()}`);
		await db.sql`insert into store_roles (user_id, store_id, role) values (${userId}, ${world.stores.A.id}, 'advisor')`;
		const phone = await signedIn(db.sql, userId);
		const desk = await signedIn(db.sql, userId);
		const other = await signedIn(db.sql, world.users.director.userId!);
		const sockets = [
			await open(fastA, phone.cookie),
			await open(fastB, phone.cookie),
			await open(fastA, desk.cookie),
			await open(fastB, desk.cookie)
		];
		const bystander = await open(fastB, other.cookie);
		let t0 = 0;
		const cuts = sockets.map((s) => watchCut(s, () => t0));
		t0 = performance.now();
		const ended = await sessions.revokeAll(db.sql, userId);
		expect(ended.sort()).toEqual([phone.sessionId, desk.sessionId].sort());
		for (const id of ended) fastB.realtime.disconnectCredential(`session:${id}`);
		const results = await Promise.all(cuts);
		console.log(
			`[revoke] sign-out everywhere: 4 sockets on 2 instances cut after ${results.map((r) => ms(r.ms)).join(', ')}`
		);
		expect(results.every((r) => r.told && r.reason === 'io server disconnect')).toBe(true);
		expect(bystander.connected).toBe(true);
		for (const cookie of [phone.cookie, desk.cookie]) {
			expect(await handshake(fastA, cookie)).toBe('unauthenticated');
		}
		expect(await handshake(fastA, other.cookie)).toBe('connected');
	});

	it('an expired session is refused at the handshake, and a socket open on it is cut by the backstop', async () => {
		const userId = await addUser(db.sql, `expiring-${Date.now()}`);
		await db.sql`insert into store_roles (user_id, store_id, role) values (${userId}, ${world.stores.A.id}, 'advisor')`;
		const session = await signedIn(db.sql, userId);
		const socket = await open(slowA, session.cookie);
		let t0 = 0;
		const cut = watchCut(socket, () => t0);
		t0 = performance.now();
		await db.sql`update sessions set expires_at = now() - interval '1 second' where id = ${session.sessionId}`;
		expect(await cut).toMatchObject({ told: true, reason: 'io server disconnect' });
		expect(await handshake(slowA, session.cookie)).toBe('unauthenticated');
		expect(await handshake(fastA, session.cookie)).toBe('unauthenticated');

		// past the absolute end, however recently it was used
		const old = await signedIn(db.sql, userId);
		await db.sql`
			update sessions set absolute_expires_at = now() - interval '1 second',
				expires_at = now() - interval '1 second', last_seen_at = now() - interval '2 minutes'
			where id = ${old.sessionId}`;
		expect(await handshake(fastA, old.cookie)).toBe('unauthenticated');
	});

	it('disabling a user cuts their open sockets (backstop) and refuses their sessions', async () => {
		const userId = await addUser(db.sql, `leaver-${Date.now()}`);
		await db.sql`insert into store_roles (user_id, store_id, role) values (${userId}, ${world.stores.A.id}, 'advisor')`;
		const session = await signedIn(db.sql, userId);
		const socket = await open(slowB, session.cookie);
		let t0 = 0;
		const cut = watchCut(socket, () => t0);
		t0 = performance.now();
		await db.sql`update users set disabled_at = now() where id = ${userId}`;
		const r = await cut;
		expect(r).toMatchObject({ told: true, reason: 'io server disconnect' });
		expect(r.ms).toBeLessThan(2 * BACKSTOP_MS + 500);
		expect(await handshake(fastA, session.cookie)).toBe('unauthenticated');
	});
});

describe('API tokens', () => {
	it('a revoked token is cut by the backstop and cannot connect again', async () => {
		const made = await apiTokens.create(db.sql, {
			storeId: world.stores.A.id,
			name: 'revoked-dms',
			role: 'parts',
			by: world.adminId
		});
		const socket = opened.add(
			await connectSocket(
				slowA.url,
				{ slug: slug(), cookie: '' },
				{ auth: { store: slug(), token: made.token }, reconnection: false }
			),
			(s) => s.close()
		);
		let t0 = 0;
		const cut = watchCut(socket, () => t0);
		t0 = performance.now();
		expect(await apiTokens.revoke(db.sql, world.stores.A.id, made.id)).toBe(true);
		expect(await cut).toMatchObject({ told: true, reason: 'io server disconnect' });
		expect(await handshake(slowA, '', { token: made.token })).toBe('unauthenticated');
		// revoking through another store's admin screen does nothing
		const other = await apiTokens.create(db.sql, {
			storeId: world.stores.A.id,
			name: 'kept',
			role: 'parts',
			by: world.adminId
		});
		expect(await apiTokens.revoke(db.sql, world.stores.B.id, other.id)).toBe(false);
		expect(await handshake(slowA, '', { token: other.token })).toBe('connected');
	});
});

describe('roles taken away while a socket is open', () => {
	/**
	 * A technician's role in store A is removed (moved to another store, or left the company but
	 * the account is kept for the audit trail). Their tablet's socket, opened before, must not keep
	 * moving cards: the permission must be re-checked, or the socket cut, within the backstop's
	 * interval, like a revoked credential.
	 */
	it('a user whose role in the store was removed can no longer move cards there', async () => {
		const userId = await addUser(db.sql, `moved-away-${Date.now()}`);
		await db.sql`insert into store_roles (user_id, store_id, role) values (${userId}, ${world.stores.A.id}, 'technician')`;
		const session = await signedIn(db.sql, userId);
		const [before, after] = await addCards(db.sql, world.stores.A, [
			{ column: 'inBay' },
			{ column: 'inBay' }
		]);
		const socket = await open(slowA, session.cookie);
		const ok = await move(socket, {
			cardId: before,
			to: 'qc',
			expectedVersion: 1,
			idempotencyKey: 'role-before-1'
		});
		expect(ok.ok).toBe(true);

		await db.sql`delete from store_roles where user_id = ${userId} and store_id = ${world.stores.A.id}`;
		// a new handshake is refused at once ...
		expect(await handshake(slowB, session.cookie)).toBe('forbidden');
		// ... and the open socket gets the backstop's interval (twice over) to catch up
		await disconnected(socket, 2 * BACKSTOP_MS + 500).catch(() => 'still connected');
		const late = socket.connected
			? await move(socket, {
					cardId: after,
					to: 'qc',
					expectedVersion: 1,
					idempotencyKey: 'role-after-1'
				})
			: { ok: false as const, error: { code: 'disconnected' } };
		expect(late.ok, `after the role was removed: ${JSON.stringify(late).slice(0, 200)}`).toBe(
			false
		);
		expect(await readCard(db.sql, after)).toMatchObject({ column: 'inBay', version: 1 });
	});

	it('a group admin removed from the group can no longer watch its stores', async () => {
		const userId = await addUser(db.sql, `ex-group-admin-${Date.now()}`);
		await db.sql`insert into group_admins (user_id, group_id) values (${userId}, ${world.stores.B.groupId})`;
		const session = await signedIn(db.sql, userId);
		const socket = opened.add(
			await connectSocket(
				slowA.url,
				{ slug: world.stores.B.slug, cookie: session.cookie },
				{ reconnection: false }
			),
			(s) => s.close()
		);
		await db.sql`delete from group_admins where user_id = ${userId}`;
		await disconnected(socket, 2 * BACKSTOP_MS + 500).catch(() => 'still connected');
		expect(socket.connected, 'still watching store B after leaving its group').toBe(false);
	});
});
