import { spawn, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import type { Column } from '../../../src/lib/domain/board';
import { STAFF_ROLES, type StaffRole } from '../../../src/lib/domain/permissions';
import type { Sql } from '../../../src/lib/server/db/connect';
import * as sessions from '../../../src/lib/server/auth/sessions';
import * as apiTokens from '../../../src/lib/server/auth/apiTokens';
import { hashToken, newToken } from '../../../src/lib/server/auth/secrets';
import { COOKIES, type Principal } from '../../../src/lib/server/auth/principal';
import type { Store } from '../../../src/lib/server/db/stores';
import { startApp } from './apps';
import { freePort } from './processes';

/**
 * The world of the security tests: two stores of one dealer group (A, B), a store of another
 * group (C), and every kind of principal, each with a real credential whose hash is in the
 * database: a user per staff role holding that role in A only, a group admin of A's group, a
 * paired display of A, and an API token per staff role for A. Store ids are random and large
 * because every test run shares one Redis (rooms are named by store id).
 */
export interface AuthStore extends Store {
	customerId: number;
	vehicleId: number;
}

export interface Credential {
	name: string;
	/** what the server should find behind the credential: rolesIn() of it is the expectation */
	principal: Principal;
	/** the `Cookie` header (users, display) */
	cookie?: string;
	/** the bearer token (API tokens) */
	bearer?: string;
	/** a user's id (users and the group admin) */
	userId?: number;
}

export interface AuthWorld {
	stores: { A: AuthStore; B: AuthStore; C: AuthStore };
	/** the user who pairs displays and makes tokens */
	adminId: number;
	users: Record<StaffRole, Credential>;
	groupAdmin: Credential;
	display: Credential & { displayId: number; token: string; cookie: string };
	tokens: Record<StaffRole, Credential & { tokenId: number }>;
}

const unique = () => randomInt(1_000_000, 2_000_000_000);

async function addGroup(sql: Sql): Promise<number> {
	const [group] = await sql<{ id: number }[]>`
		insert into dealer_groups (name) values (${'集团 ' + unique()}) returning id::int`;
	return group.id;
}

export async function addAuthStore(sql: Sql, groupId: number, label: string): Promise<AuthStore> {
	const id = unique();
	const slug = `${label}-${id}`;
	await sql`
		insert into stores (id, group_id, slug, name)
		overriding system value values (${id}, ${groupId}, ${slug}, ${'测试店 ' + slug})`;
	const [customer] = await sql<{ id: number }[]>`
		insert into customers (store_id, name, surname, title, phone)
		values (${id}, '李雷', '李', '先生', '13800000000') returning id::int`;
	const [vehicle] = await sql<{ id: number }[]>`
		insert into vehicles (store_id, customer_id, plate, model)
		values (${id}, ${customer.id}, ${'沪B' + String(id).slice(-5)}, '帕萨特') returning id::int`;
	return {
		id,
		slug,
		name: '测试店 ' + slug,
		timeZone: 'Asia/Shanghai',
		groupId,
		customerId: customer.id,
		vehicleId: vehicle.id
	};
}

export async function addUser(
	sql: Sql,
	username: string,
	options: { passwordHash?: string } = {}
): Promise<number> {
	const [user] = await sql<{ id: number }[]>`
		insert into users (username, display_name, password_hash)
		values (${username}, ${username}, ${options.passwordHash ?? null}) returning id::int`;
	return user.id;
}

/** A real session row for `userId`; the `Cookie` header a browser would send with it. */
export async function signedIn(sql: Sql, userId: number) {
	const session = await sessions.create(sql, userId, {
		address: '127.0.0.1',
		userAgent: 'auth-test'
	});
	return { ...session, cookie: `${COOKIES.session}=${session.token}` };
}

/** A display of `storeId` as pairing leaves it: a row whose token_hash is the screen's cookie. */
export async function addDisplay(sql: Sql, storeId: number, pairedBy: number, name = '车间大屏') {
	const token = newToken();
	const [row] = await sql<{ id: number }[]>`
		insert into displays (store_id, kind, name, paired_by, token_hash)
		values (${storeId}, 'wall', ${name}, ${pairedBy}, ${hashToken(token)}) returning id::int`;
	return { displayId: row.id, token, cookie: `${COOKIES.display}=${token}` };
}

export async function createAuthWorld(sql: Sql): Promise<AuthWorld> {
	const group1 = await addGroup(sql);
	const group2 = await addGroup(sql);
	const A = await addAuthStore(sql, group1, 'auth-a');
	const B = await addAuthStore(sql, group1, 'auth-b');
	const C = await addAuthStore(sql, group2, 'auth-c');
	const tag = unique();
	const adminId = await addUser(sql, `it-${tag}`);
	await sql`insert into store_roles (user_id, store_id, role) values (${adminId}, ${A.id}, 'storeAdmin')`;

	const users = {} as Record<StaffRole, Credential>;
	for (const role of STAFF_ROLES) {
		const username = `${role}-${tag}`;
		const userId = await addUser(sql, username);
		await sql`insert into store_roles (user_id, store_id, role) values (${userId}, ${A.id}, ${role})`;
		const session = await signedIn(sql, userId);
		users[role] = {
			name: `user:${role}`,
			userId,
			cookie: session.cookie,
			principal: {
				kind: 'user',
				userId,
				username,
				displayName: username,
				sessionId: session.sessionId,
				stores: new Map([[A.id, [role]]]),
				groups: []
			}
		};
	}

	const groupAdminId = await addUser(sql, `groupadmin-${tag}`);
	await sql`insert into group_admins (user_id, group_id) values (${groupAdminId}, ${group1})`;
	const groupSession = await signedIn(sql, groupAdminId);
	const groupAdmin: Credential = {
		name: 'user:groupAdmin',
		userId: groupAdminId,
		cookie: groupSession.cookie,
		principal: {
			kind: 'user',
			userId: groupAdminId,
			username: `groupadmin-${tag}`,
			displayName: `groupadmin-${tag}`,
			sessionId: groupSession.sessionId,
			stores: new Map(),
			groups: [group1]
		}
	};

	const screen = await addDisplay(sql, A.id, adminId);
	const display = {
		name: 'display',
		...screen,
		principal: {
			kind: 'display',
			displayId: screen.displayId,
			storeId: A.id,
			screen: 'wall',
			name: '车间大屏'
		}
	} satisfies AuthWorld['display'];

	const tokens = {} as AuthWorld['tokens'];
	for (const role of STAFF_ROLES) {
		const made = await apiTokens.create(sql, {
			storeId: A.id,
			name: `dms-${role}`,
			role,
			by: adminId
		});
		tokens[role] = {
			name: `token:${role}`,
			tokenId: made.id,
			bearer: made.token,
			principal: { kind: 'apiToken', tokenId: made.id, storeId: A.id, role, name: `dms-${role}` }
		};
	}
	return { stores: { A, B, C }, adminId, users, groupAdmin, display, tokens };
}

/** Every principal of the world, in a fixed order. */
export const allCredentials = (world: AuthWorld): Credential[] => [
	...STAFF_ROLES.map((role) => world.users[role]),
	world.groupAdmin,
	world.display,
	...STAFF_ROLES.map((role) => world.tokens[role])
];

export interface CardSpec {
	column: Column;
	washDeclined?: boolean;
}

/** Cards in one statement; returns their ids in the order of `specs`. */
export async function addCards(sql: Sql, store: AuthStore, specs: CardSpec[]): Promise<number[]> {
	if (specs.length === 0) return [];
	// the job summary carries the spec's position, so ids come back in the order asked for
	const rows = await sql<{ id: number; ord: string }[]>`
		insert into cards (store_id, customer_id, vehicle_id, board_column, due_at, job_summary, wash_declined)
		select ${store.id}, ${store.customerId}, ${store.vehicleId}, s.col, now(), '保养 #' || s.ord,
			s.wash = 'yes'
		from unnest(${specs.map((s) => s.column)}::text[],
			${specs.map((s) => (s.washDeclined ? 'yes' : 'no'))}::text[])
			with ordinality as s(col, wash, ord)
		returning id::int, substr(job_summary, 5) as ord`;
	const ids: number[] = new Array(specs.length);
	for (const row of rows) ids[Number(row.ord) - 1] = row.id;
	return ids;
}

/** A realtime instance in this process (its Origin allow-list and revalidation interval set). */
export const startAuthApp = startApp;

const webApps = new Set<ChildProcess>();
process.on('exit', () => {
	for (const child of webApps)
		if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

export interface WebApp {
	name: string;
	pid: number;
	url: string;
	output: () => string;
	/** whether the process is still running */
	alive: () => boolean;
	stop(): Promise<void>;
}

/**
 * The real app as production runs it (src/server/start.ts on the build: pages, JSON API and
 * sockets on one port), in its own process on a free loopback port. Needs `npx vite build`.
 */
export async function startWebApp(options: {
	name: string;
	databaseUrl: string;
	redisUrl?: string;
	allowedOrigins?: string[];
}): Promise<WebApp> {
	const port = await freePort();
	const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/start.ts'], {
		env: {
			...process.env,
			PORT: String(port),
			HOST: '127.0.0.1',
			DATABASE_URL: options.databaseUrl,
			REDIS_URL: options.redisUrl ?? '',
			INSTANCE_NAME: options.name,
			SEED_DEMO: 'false',
			ALLOWED_ORIGINS: (options.allowedOrigins ?? []).join(',')
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	webApps.add(child);
	let output = '';
	child.stdout!.on('data', (chunk) => (output += chunk));
	child.stderr!.on('data', (chunk) => (output += chunk));
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	await new Promise<void>((resolve, reject) => {
		const timer = setTimeout(
			() => reject(new Error(`${options.name} not ready:\n${output}`)),
			60_000
		);
		const check = () => {
			if (output.includes('ready on')) {
				clearTimeout(timer);
				resolve();
			}
		};
		child.stdout!.on('data', check);
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`${options.name} exited (${code}) before ready:\n${output}`));
		});
	});
	return {
		name: options.name,
		pid: child.pid!,
		url: `http://127.0.0.1:${port}`,
		output: () => output,
		alive: () => child.exitCode === null && child.signalCode === null,
		async stop() {
			if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGTERM');
			await exited;
			webApps.delete(child);
		}
	};
}

/** The audit rows of refusals, for checking that each refused command left one. */
export async function refusalRows(sql: Sql, since = 0) {
	return sql<
		{
			id: number;
			storeId: number | null;
			label: string;
			action: string;
			source: string;
			detail: Record<string, unknown>;
		}[]
	>`
		select id::int, store_id::int as "storeId", actor_label as label, action, source, detail
		from audit_log where outcome = 'refused' and id > ${since} order by id`;
}

export async function lastAuditId(sql: Sql): Promise<number> {
	const [row] = await sql<{ id: number }[]>`select coalesce(max(id), 0)::int as id from audit_log`;
	return row.id;
}
