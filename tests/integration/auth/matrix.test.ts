/**
 * The authorization matrix (G7, issue #4): every principal × every store × every command, against
 * the real built app (one process: pages, JSON API and sockets on one port). The expectation is
 * computed from the ONE permission table (`can(rolesIn(principal, store), action, move)`) and the
 * column rules (`checkMove`); a move the rules refuse is not a bypass. Counted:
 *
 * - bypasses: accepted although the table says no (must be 0);
 * - wrong refusals: refused as forbidden/unauthenticated although the table allows (must be 0);
 * - anything else off the expectation (a rule-refused move accepted, a wrong status or code, an
 *   event of another store heard on a socket).
 *
 * Afterwards the database must hold exactly the accepted moves, each with its audit row, and
 * every refusal must have left a 'refused' audit row.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLUMNS, type Column } from '$lib/domain/board';
import { can, canMoveAny } from '$lib/domain/permissions';
import { checkMove } from '$lib/domain/transitions';
import type { Ack, BoardEvent, MoveResult, SyncResult } from '$lib/realtime/contract';
import { actorLabel, rolesIn } from '$lib/server/auth/principal';
import { redisUrl } from '../../adminUrl';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { invariantViolations } from '../helpers/boardFixture';
import { cleanup } from '../helpers/apps';
import { move, openSocket, syncBoard, until, type BoardSocket } from '../helpers/clients';
import { requireRedis } from '../helpers/processes';
import {
	addCards,
	allCredentials,
	createAuthWorld,
	lastAuditId,
	refusalRows,
	startWebApp,
	type AuthStore,
	type AuthWorld,
	type CardSpec,
	type Credential,
	type WebApp
} from '../helpers/authWorld';

const opened = cleanup();
let db: TestDatabase;
let world: AuthWorld;
let web: WebApp;

type StoreKey = 'A' | 'B' | 'C';
const STORE_KEYS: StoreKey[] = ['A', 'B', 'C'];
type Channel = 'socket' | 'http';
const PAIRS: [Column, Column][] = COLUMNS.flatMap((from) =>
	COLUMNS.map((to) => [from, to] as [Column, Column])
);

/** The card each attempt moves: its own, in `from`, so that no attempt depends on another. */
const cardOf = new Map<string, number>();
const specOf = new Map<number, CardSpec & { store: StoreKey; to: Column }>();
const key = (channel: Channel, cred: Credential, store: StoreKey, from: Column, to: Column) =>
	`${channel}|${cred.name}|${store}|${from}|${to}`;
/** Cards of B and C that sockets connected to another store try to move (they must not). */
const bait: Record<StoreKey, number> = { A: 0, B: 0, C: 0 };

/** A card made for a qc → handover attempt has declined the wash, so the rules allow that move. */
const specFor = (from: Column, to: Column): CardSpec => ({
	column: from,
	washDeclined: from === 'qc' && to === 'handover'
});

beforeAll(async () => {
	await requireRedis(redisUrl);
	db = opened.add(await createTestDatabase(), (d) => d.drop());
	world = await createAuthWorld(db.sql);
	for (const store of STORE_KEYS) {
		const wanted: { k: string; spec: CardSpec; to: Column }[] = [];
		for (const channel of ['socket', 'http'] as Channel[]) {
			for (const cred of allCredentials(world)) {
				for (const [from, to] of PAIRS) {
					wanted.push({ k: key(channel, cred, store, from, to), spec: specFor(from, to), to });
				}
			}
		}
		wanted.push({ k: `bait|${store}`, spec: { column: 'prep' }, to: 'ready' });
		const ids = await addCards(
			db.sql,
			world.stores[store],
			wanted.map((w) => w.spec)
		);
		wanted.forEach((w, i) => {
			cardOf.set(w.k, ids[i]);
			specOf.set(ids[i], { ...w.spec, store, to: w.to });
		});
		bait[store] = cardOf.get(`bait|${store}`)!;
	}
	web = opened.add(await startWebApp({ name: 'inst-matrix', databaseUrl: db.url, redisUrl }), (w) =>
		w.stop()
	);
}, 120_000);
afterAll(() => opened.run());

interface Tally {
	attempts: number;
	socket: number;
	http: number;
	bypasses: string[];
	wrongRefusals: string[];
	/** any other difference from the expectation */
	other: string[];
	/** refusals that must each have an audit row, as keys comparable with the audit log's */
	refusals: string[];
	/** accepted moves: card id → who and from where */
	accepted: Map<number, { label: string; channel: Channel }>;
}
const tally: Tally = {
	attempts: 0,
	socket: 0,
	http: 0,
	bypasses: [],
	wrongRefusals: [],
	other: [],
	refusals: [],
	accepted: new Map()
};

const DENIAL_CODES = new Set(['forbidden', 'unauthenticated']);
const rolesOf = (cred: Credential, store: StoreKey) => rolesIn(cred.principal, world.stores[store]);
const mayView = (cred: Credential, store: StoreKey) => can(rolesOf(cred, store), 'board:view');

/**
 * Judges one attempt. `allowed` is the table's answer, `rulesOk` the column rules' (true for
 * anything but a move); `code` is what came back: 'ok' or an error code.
 */
function judge(
	what: string,
	channel: Channel,
	allowed: boolean,
	rulesOk: boolean,
	code: string,
	expectedRefusal: string
) {
	tally.attempts++;
	tally[channel]++;
	const accepted = code === 'ok';
	if (accepted && !allowed) tally.bypasses.push(`${what}: accepted, the table says no`);
	else if (!accepted && allowed && DENIAL_CODES.has(code)) {
		tally.wrongRefusals.push(`${what}: refused ${code}, the table allows it`);
	} else if (accepted && !rulesOk) tally.other.push(`${what}: accepted, the column rules say no`);
	else if (!accepted && allowed && rulesOk)
		tally.other.push(`${what}: refused ${code}, expected ok`);
	else if (!accepted && code !== expectedRefusal) {
		tally.other.push(`${what}: refused ${code}, expected ${expectedRefusal}`);
	}
}

/** The refusal a move should get: forbidden by the table first, then the column rules. */
const moveRefusal = (allowed: boolean) => (allowed ? 'moveRefused' : 'forbidden');

async function pool<T>(items: T[], size: number, work: (item: T) => Promise<void>) {
	let next = 0;
	await Promise.all(
		Array.from({ length: size }, async () => {
			while (next < items.length) await work(items[next++]);
		})
	);
}

// ---------------------------------------------------------------------------------------------
// Sockets: one connection per principal × store × `from` column, each sending the seven moves out
// of that column, a sync, and moves of another store's card (fewer than the per-socket burst).

function connect(
	cred: Credential,
	store: AuthStore
): Promise<{ socket: BoardSocket; error?: string }> {
	const socket = openSocket(
		web.url,
		{ slug: store.slug, cookie: cred.cookie ?? '' },
		{
			auth: cred.bearer ? { store: store.slug, token: cred.bearer } : { store: store.slug },
			reconnection: false
		}
	);
	return new Promise((resolve) => {
		socket.once('connect', () => resolve({ socket }));
		socket.once('connect_error', (error) => {
			socket.close();
			resolve({ socket, error: error.message });
		});
		socket.connect();
	});
}

async function socketAttempts(cred: Credential, storeKey: StoreKey, from: Column) {
	const store = world.stores[storeKey];
	const label = actorLabel(cred.principal);
	const viewable = mayView(cred, storeKey);
	const { socket, error } = await connect(cred, store);
	const what = `socket ${cred.name} → ${storeKey}`;
	judge(`${what} connect`, 'socket', viewable, true, error ?? 'ok', 'forbidden');
	if (error) {
		tally.refusals.push(`socket:connect|${store.id}|${label}`);
		return;
	}
	const heard: BoardEvent[] = [];
	socket.on('card:moved', (event) => heard.push(event));
	try {
		for (const to of COLUMNS) {
			const cardId = cardOf.get(key('socket', cred, storeKey, from, to))!;
			const allowed = can(rolesOf(cred, storeKey), 'card:move', { from, to });
			const rulesOk = checkMove(
				{
					column: from,
					partsWaiting: false,
					stopWork: null,
					washDeclined: specFor(from, to).washDeclined!,
					// the fixture's cards have not been through QC checks
					qc: { self: false, lead: false, final: false }
				},
				to
			).ok;
			let ack: Ack<MoveResult>;
			try {
				ack = await move(socket, {
					cardId,
					to,
					expectedVersion: 1,
					idempotencyKey: `matrix-socket-${cardId}-${to}`
				});
			} catch (e) {
				tally.other.push(`${what} card:move ${from}→${to}: no answer (${(e as Error).message})`);
				continue;
			}
			const code = ack.ok ? 'ok' : ack.error.code;
			judge(
				`${what} card:move ${from}→${to}`,
				'socket',
				allowed,
				rulesOk,
				code,
				moveRefusal(allowed)
			);
			if (ack.ok) tally.accepted.set(cardId, { label, channel: 'socket' });
			else tally.refusals.push(`card:move|${store.id}|${label}|card ${cardId}`);
		}
		// a card of each other store, by id, through this store's socket: never found here
		for (const other of STORE_KEYS.filter((s) => s !== storeKey)) {
			const ack = await move(socket, {
				cardId: bait[other],
				to: 'ready',
				expectedVersion: 1,
				idempotencyKey: `bait-${cred.name}-${storeKey}-${from}-${other}`.replace(/[^\w:.-]/g, '_')
			});
			const code = ack.ok ? 'ok' : ack.error.code;
			const refusal = canMoveAny(rolesOf(cred, storeKey)) ? 'cardNotFound' : 'forbidden';
			judge(`${what} card:move of store ${other}'s card`, 'socket', false, true, code, refusal);
			if (!ack.ok) tally.refusals.push(`card:move|${store.id}|${label}|card ${bait[other]}`);
		}
		const sync = (await syncBoard(socket, 0)) as Ack<SyncResult>;
		judge(
			`${what} board:sync`,
			'socket',
			viewable,
			true,
			sync.ok ? 'ok' : sync.error.code,
			'forbidden'
		);
		if (sync.ok) {
			const cards =
				sync.data.kind === 'snapshot' ? sync.data.cards : sync.data.events.map((e) => e.card);
			const foreign = cards.filter((c) => specOf.get(c.id)?.store !== storeKey);
			if (foreign.length)
				tally.other.push(`${what} board:sync returned ${foreign.length} cards of other stores`);
		}
	} finally {
		socket.close();
	}
	const foreign = heard.filter((e) => specOf.get(e.card.id)?.store !== storeKey);
	if (foreign.length)
		tally.other.push(`${what}: heard ${foreign.length} card:moved of other stores`);
}

// ---------------------------------------------------------------------------------------------
// HTTP: GET board, GET events?since=0, POST move for every pair. Cookies come with this site's
// Origin on writes (as the board page sends them); API tokens come as Bearer with no Origin.

function headers(cred: Credential, write: boolean): Record<string, string> {
	if (cred.bearer)
		return { authorization: `Bearer ${cred.bearer}`, 'content-type': 'application/json' };
	return {
		cookie: cred.cookie!,
		...(write ? { origin: web.url } : {}),
		'content-type': 'application/json'
	};
}

async function httpCode(response: Response): Promise<string> {
	if (response.status === 200) return 'ok';
	const body = await response.text();
	try {
		return (JSON.parse(body) as { error: { code: string } }).error.code;
	} catch {
		return `http ${response.status}: ${body.slice(0, 80)}`;
	}
}

const STATUS_OF: Record<string, number> = {
	ok: 200,
	forbidden: 403,
	moveRefused: 422,
	cardNotFound: 404
};

/** A read: the JSON board, the events since 0, or the board page itself (its server load). */
type Read = 'board' | 'events?since=0' | 'page';

async function httpRead(cred: Credential, storeKey: StoreKey, read: Read) {
	const store = world.stores[storeKey];
	const path =
		read === 'page' ? `/s/${store.slug}/board` : `/api/stores/${store.slug}/${read.split('?')[0]}`;
	const query = read.includes('?') ? `?${read.split('?')[1]}` : '';
	const response = await fetch(`${web.url}${path}${query}`, {
		headers: headers(cred, false),
		redirect: 'manual'
	});
	// the page answers in HTML: its status is its answer
	const code =
		read !== 'page'
			? await httpCode(response)
			: response.status === 200
				? 'ok'
				: response.status === 403
					? 'forbidden'
					: `http ${response.status}`;
	if (read === 'page') await response.arrayBuffer();
	const viewable = mayView(cred, storeKey);
	const what = `http ${cred.name} GET ${storeKey} ${read}`;
	judge(what, 'http', viewable, true, code, 'forbidden');
	if (code !== 'ok' && response.status !== STATUS_OF[code])
		tally.other.push(`${what}: status ${response.status} for ${code}`);
	if (code !== 'ok')
		tally.refusals.push(`board:view|${store.id}|${actorLabel(cred.principal)}|${path}`);
}

async function httpMove(
	cred: Credential,
	storeKey: StoreKey,
	from: Column,
	to: Column,
	cardId: number
) {
	const store = world.stores[storeKey];
	const path = `/api/stores/${store.slug}/cards/${cardId}/move`;
	const response = await fetch(`${web.url}${path}`, {
		method: 'POST',
		headers: headers(cred, true),
		body: JSON.stringify({ to, expectedVersion: 1, idempotencyKey: `matrix-http-${cardId}-${to}` })
	});
	const code = await httpCode(response);
	const allowed = can(rolesOf(cred, storeKey), 'card:move', { from, to });
	const spec = specOf.get(cardId)!;
	const own = spec.store === storeKey;
	const rulesOk =
		own &&
		checkMove(
			{
				column: from,
				partsWaiting: false,
				stopWork: null,
				washDeclined: Boolean(spec.washDeclined),
				qc: { self: false, lead: false, final: false }
			},
			to
		).ok;
	const what = `http ${cred.name} POST ${storeKey} move ${from}→${to}${own ? '' : ` (store ${spec.store}'s card)`}`;
	// another store's card is not found under this store's address, once past the role check
	const expectedRefusal = !own
		? canMoveAny(rolesOf(cred, storeKey)) && mayView(cred, storeKey)
			? 'cardNotFound'
			: 'forbidden'
		: allowed
			? 'moveRefused'
			: 'forbidden';
	judge(what, 'http', own && allowed, rulesOk, code, expectedRefusal);
	if (code !== 'ok' && response.status !== STATUS_OF[code])
		tally.other.push(`${what}: status ${response.status} for ${code}`);
	if (code === 'ok')
		tally.accepted.set(cardId, { label: actorLabel(cred.principal), channel: 'http' });
	else tally.refusals.push(`card:move|${store.id}|${actorLabel(cred.principal)}|${path}`);
}

/**
 * A booking of the store's own customer and car: allowed to advisors, directors and customer
 * service; the matrix's stores have no technicians, so an allowed booking is refused by capacity
 * (labourFull) and nothing is written.
 */
async function httpBook(cred: Credential, storeKey: StoreKey) {
	const store = world.stores[storeKey];
	const path = `/api/stores/${store.slug}/appointments`;
	const day = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
	const response = await fetch(`${web.url}${path}`, {
		method: 'POST',
		headers: headers(cred, true),
		body: JSON.stringify({
			idempotencyKey: `matrix-book-${cred.name}-${storeKey}`.replace(/[^\w:.-]/g, '_'),
			customer: { id: store.customerId },
			vehicle: { id: store.vehicleId },
			day,
			start: '11:00',
			jobs: ['maintenance'],
			channel: 'phone'
		})
	});
	const code = await httpCode(response);
	const allowed = can(rolesOf(cred, storeKey), 'appointment:book');
	const what = `http ${cred.name} POST ${storeKey} appointments`;
	judge(what, 'http', allowed, false, code, allowed ? 'bookingRefused' : 'forbidden');
	const status = code === 'bookingRefused' ? 422 : STATUS_OF[code];
	if (code !== 'ok' && response.status !== status)
		tally.other.push(`${what}: status ${response.status} for ${code}`);
	if (code !== 'ok') tally.refusals.push(`appointment:book|${store.id}|${actorLabel(cred.principal)}|${path}`);
}

describe('every principal × every store × every command', () => {
	it('has no bypass and no wrong refusal', { timeout: 300_000 }, async () => {
		const auditFrom = await lastAuditId(db.sql);
		const started = performance.now();
		const socketJobs = allCredentials(world).flatMap((cred) =>
			STORE_KEYS.flatMap((store) => COLUMNS.map((from) => ({ cred, store, from })))
		);
		await pool(socketJobs, 8, ({ cred, store, from }) => socketAttempts(cred, store, from));

		type HttpJob = () => Promise<void>;
		const httpJobs: HttpJob[] = [];
		for (const cred of allCredentials(world)) {
			for (const store of STORE_KEYS) {
				httpJobs.push(
					() => httpRead(cred, store, 'board'),
					() => httpRead(cred, store, 'events?since=0'),
					() => httpRead(cred, store, 'page')
				);
				for (const [from, to] of PAIRS) {
					httpJobs.push(() =>
						httpMove(cred, store, from, to, cardOf.get(key('http', cred, store, from, to))!)
					);
				}
				httpJobs.push(() => httpBook(cred, store));
				// another store's card under this store's address
				for (const other of STORE_KEYS.filter((s) => s !== store)) {
					httpJobs.push(() => httpMove(cred, store, 'prep', 'ready', bait[other]));
				}
			}
		}
		await pool(httpJobs, 16, (job) => job());
		const seconds = ((performance.now() - started) / 1000).toFixed(1);

		console.log(
			`[matrix] ${tally.attempts.toLocaleString('en')} attempts (${tally.socket.toLocaleString('en')} socket, ` +
				`${tally.http.toLocaleString('en')} http) in ${seconds} s: ${tally.bypasses.length} bypasses, ` +
				`${tally.wrongRefusals.length} wrong refusals, ${tally.other.length} other differences, ` +
				`${tally.accepted.size} moves accepted`
		);
		expect(web.alive(), web.output()).toBe(true);
		expect(tally.bypasses).toEqual([]);
		expect(tally.wrongRefusals).toEqual([]);
		expect(tally.other).toEqual([]);
		// the matrix really exercised both sides of the table
		expect(tally.accepted.size).toBeGreaterThan(50);
		expect(tally.refusals.length).toBeGreaterThan(1_000);

		// The database holds exactly the accepted moves: every other card is where it was made.
		const cards = await db.sql<{ id: number; column: Column; version: number }[]>`
			select id::int, board_column as column, version from cards`;
		const wrong: string[] = [];
		for (const card of cards) {
			const spec = specOf.get(card.id)!;
			const want = tally.accepted.has(card.id)
				? { column: spec.to, version: 2 }
				: { column: spec.column, version: 1 };
			if (card.version !== want.version || card.column !== want.column) {
				wrong.push(
					`card ${card.id}: ${card.column} v${card.version}, expected ${JSON.stringify(want)}`
				);
			}
		}
		expect(wrong).toEqual([]);
		for (const store of STORE_KEYS)
			expect(
				(await db.sql`select 1 from cards where id = ${bait[store]} and version = 1`).length
			).toBe(1);
		expect(await invariantViolations(db.sql)).toEqual([]);

		// Each accepted move: one 'ok' audit row naming who and from where (G10).
		const okRows = await db.sql<{ cardId: number; label: string; source: string; at: Date }[]>`
			select card_id::int as "cardId", actor_label as label, source, at from audit_log
			where outcome = 'ok' and action = 'card.move' and id > ${auditFrom}`;
		expect(okRows.length).toBe(tally.accepted.size);
		for (const row of okRows) {
			const who = tally.accepted.get(row.cardId);
			expect(who, `audit row of card ${row.cardId}`).toBeDefined();
			expect(row.label).toBe(who!.label);
			expect(row.source).toMatch(new RegExp(`^${who!.channel} 127\\.0\\.0\\.1 inst-matrix$`));
		}

		// Each refusal: one 'refused' audit row (written after the answer, so poll for them).
		const expected = count(tally.refusals);
		let actual = new Map<string, number>();
		const auditKey = (row: Awaited<ReturnType<typeof refusalRows>>[number]) => {
			if (row.action === 'socket:connect') return `socket:connect|${row.storeId}|${row.label}`;
			if (row.source.startsWith('socket'))
				return `${row.action}|${row.storeId}|${row.label}|card ${row.detail.cardId}`;
			return `${row.action}|${row.storeId}|${row.label}|${row.detail.path}`;
		};
		await until(
			async () => {
				actual = count((await refusalRows(db.sql, auditFrom)).map(auditKey));
				return [...expected].every(([k, n]) => (actual.get(k) ?? 0) >= n);
			},
			'every refusal has its audit row',
			15_000,
			200
		).catch(() => {});
		const missing = [...expected]
			.filter(([k, n]) => (actual.get(k) ?? 0) !== n)
			.map(([k, n]) => `${k}: ${actual.get(k) ?? 0} rows, expected ${n}`);
		const extra = [...actual]
			.filter(([k]) => !expected.has(k))
			.map(([k, n]) => `${k}: ${n} unexpected rows`);
		console.log(
			`[matrix] ${tally.refusals.length.toLocaleString('en')} refusals, ${missing.length} without their audit row`
		);
		expect(missing).toEqual([]);
		expect(extra).toEqual([]);
	});
});

function count(keys: string[]) {
	const counts = new Map<string, number>();
	for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
	return counts;
}

describe('an idempotency key is no permission', () => {
	/**
	 * A retry with the key of a committed move gets that move's result back (G2). Whoever sends the
	 * key must still be allowed to make that move: a technician who sends the key of an advisor's
	 * prep → ready must be told `forbidden`, not `ok`, and the refusal audited.
	 */
	it("a technician replaying an advisor's key is refused, over a socket and over HTTP", async () => {
		const [cardId] = await addCards(db.sql, world.stores.A, [{ column: 'prep' }]);
		const command = {
			cardId,
			to: 'ready' as const,
			expectedVersion: 1,
			idempotencyKey: `advisor-key-${cardId}`
		};
		const advisor = await fetch(
			`${web.url}/api/stores/${world.stores.A.slug}/cards/${cardId}/move`,
			{
				method: 'POST',
				headers: headers(world.users.advisor, true),
				body: JSON.stringify({
					to: command.to,
					expectedVersion: 1,
					idempotencyKey: command.idempotencyKey
				})
			}
		);
		expect(advisor.status).toBe(200);

		const { socket, error } = await connect(world.users.technician, world.stores.A);
		expect(error).toBeUndefined();
		try {
			const replay = await move(socket, command);
			expect(replay, 'socket').toMatchObject({ ok: false, error: { code: 'forbidden' } });
		} finally {
			socket.close();
		}
		const overHttp = await fetch(
			`${web.url}/api/stores/${world.stores.A.slug}/cards/${cardId}/move`,
			{
				method: 'POST',
				headers: headers(world.tokens.technician, true),
				body: JSON.stringify({
					to: command.to,
					expectedVersion: 1,
					idempotencyKey: command.idempotencyKey
				})
			}
		);
		expect(overHttp.status, 'http').toBe(403);
	});
});
