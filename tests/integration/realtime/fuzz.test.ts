/**
 * G9: malformed, oversized and flooding input gets a clear error, never crashes the instance and
 * never writes anything. Payloads come from fast-check: anything at all, and valid commands with
 * one field broken, one field missing or one field too many.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLUMNS } from '$lib/domain/board';
import type { MoveCommand } from '$lib/realtime/contract';
import { redisUrl } from '../../adminUrl';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { addStore, readCard, writeCounts, type FixtureStore } from '../helpers/boardFixture';
import { cleanup, startApp, type App } from '../helpers/apps';
import { connectSocket, disconnected, move, openSocket, sendRaw, type BoardSocket } from '../helpers/clients';
import { requireRedis } from '../helpers/processes';

const opened = cleanup();
let db: TestDatabase;
let app: App;
let store: FixtureStore;
let before: Awaited<ReturnType<typeof writeCounts>>;

beforeAll(async () => {
	await requireRedis(redisUrl);
	db = opened.add(await createTestDatabase(), (d) => d.drop());
	store = await addStore(db.sql, { cards: 2 });
	app = opened.add(await startApp({ name: 'inst-fuzz', databaseUrl: db.url, redisUrl }), (a) => a.close());
	before = await writeCounts(db.sql);
});
afterAll(() => opened.run());

/**
 * Sockets for the fuzzer, each used for fewer commands than the per-socket burst allowance, so
 * that every answer is about the payload and none is `rateLimited` (flooding has its own test).
 */
function socketPool() {
	let socket: BoardSocket | undefined;
	let used = 0;
	return {
		async next() {
			if (!socket || used >= 30) {
				socket?.close();
				socket = opened.add(await connectSocket(app.url, store), (s) => s.close());
				used = 0;
			}
			used++;
			return socket;
		}
	};
}
const pool = socketPool();

/** The command that would be applied: prep → ready of card 0 at version 1. */
const valid = (): MoveCommand => ({
	cardId: store.cardIds[0],
	to: 'ready',
	expectedVersion: 1,
	idempotencyKey: 'fuzz-valid-0001'
});

/** What each field accepts, written from the contract, independently of the server's schema. */
const fieldIsValid: Record<keyof MoveCommand, (v: unknown) => boolean> = {
	cardId: (v) => Number.isInteger(v) && (v as number) > 0 && (v as number) <= 2 ** 53,
	to: (v) => (COLUMNS as readonly unknown[]).includes(v),
	expectedVersion: (v) => Number.isInteger(v) && (v as number) > 0 && (v as number) <= 2 ** 31,
	idempotencyKey: (v) => typeof v === 'string' && /^[\w:.-]{8,100}$/.test(v)
};
const fields = Object.keys(fieldIsValid) as (keyof MoveCommand)[];

/** Valid commands with exactly one thing wrong. */
const brokenCommand = fc.oneof(
	fc
		.record({ field: fc.constantFrom(...fields), value: fc.anything() })
		// JSON drops `undefined` and turns NaN into null: judge the value as the server receives it
		.filter(({ field, value }) => !fieldIsValid[field](roundTrip(value)))
		.map(({ field, value }) => ({ ...valid(), [field]: value })),
	fc.constantFrom(...fields).map((field) => {
		const command: Partial<MoveCommand> = valid();
		delete command[field];
		return command;
	}),
	fc
		.record({
			key: fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'toString')),
			value: fc.anything().filter((v) => v !== undefined)
		})
		.filter(({ key }) => !(fields as string[]).includes(key))
		.map(({ key, value }) => Object.defineProperty(valid(), key, { value, enumerable: true })),
	fc.string({ minLength: 101, maxLength: 2_000 }).map((key) => ({ ...valid(), idempotencyKey: key }))
);

function roundTrip(value: unknown): unknown {
	const text = JSON.stringify({ value });
	return text === undefined ? undefined : JSON.parse(text).value;
}

async function expectInvalid(event: 'card:move' | 'board:sync', payload: unknown) {
	const ack = await sendRaw(await pool.next(), event, payload);
	expect(ack, JSON.stringify(payload)?.slice(0, 300)).toMatchObject({
		ok: false,
		error: { code: 'invalidInput', message: expect.any(String) }
	});
}

describe('malformed input', () => {
	it('card:move with anything at all: invalidInput, nothing written', async () => {
		await fc.assert(
			fc.asyncProperty(fc.anything(), (payload) => expectInvalid('card:move', payload)),
			{ numRuns: 300 }
		);
		expect(await writeCounts(db.sql)).toEqual(before);
	});

	it('card:move with one field broken, missing or extra: invalidInput, nothing written', async () => {
		await fc.assert(
			fc.asyncProperty(brokenCommand, (payload) => expectInvalid('card:move', payload)),
			{ numRuns: 300 }
		);
		expect(await writeCounts(db.sql)).toEqual(before);
	});

	it('board:sync with anything at all, or a broken `since`: invalidInput', async () => {
		const since = fc.anything().filter((v) => {
			const r = roundTrip(v);
			return !(Number.isInteger(r) && (r as number) >= 0 && (r as number) <= 2 ** 53);
		});
		await fc.assert(
			fc.asyncProperty(fc.oneof(fc.anything(), since.map((s) => ({ since: s }))), (payload) =>
				expectInvalid('board:sync', payload)
			),
			{ numRuns: 200 }
		);
	});

	it('board:sync `full` is `true` or absent, nothing else', async () => {
		for (const full of [false, 1, 'true', null, {}, [true]]) {
			await expectInvalid('board:sync', { since: 0, full });
		}
		const ack = await sendRaw(await pool.next(), 'board:sync', { since: 0, full: true });
		expect(ack).toMatchObject({ ok: true, data: { kind: 'snapshot' } });
	});

	it('binary and nearly-too-large payloads: invalidInput', async () => {
		await expectInvalid('card:move', Buffer.alloc(1_024, 7));
		await expectInvalid('card:move', { ...valid(), idempotencyKey: Buffer.from('fuzz-valid-0002') });
		await expectInvalid('card:move', { ...valid(), idempotencyKey: 'k'.repeat(15_000) });
		await expectInvalid('card:move', { ...valid(), to: 'ready'.repeat(3_000) });
		expect(await writeCounts(db.sql)).toEqual(before);
	});

	it('a handshake with any store value but a real slug is refused, and the instance stays up', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.anything().filter((v) => v !== store.slug),
				async (slug) => {
					const socket = openSocket(app.url, store, { auth: { store: slug }, reconnection: false });
					const refused = new Promise<Error>((resolve, reject) => {
						socket.once('connect_error', resolve);
						socket.once('connect', () => reject(new Error(`connected as ${JSON.stringify(slug)}`)));
					});
					socket.connect();
					try {
						expect((await refused).message).toBe('storeNotFound');
					} finally {
						socket.close();
					}
				}
			),
			{ numRuns: 60 }
		);
	});
});

describe('oversized frames', () => {
	for (const size of [20_000, 1_000_000]) {
		it(`a ${size.toLocaleString('en')}-character command (over maxHttpBufferSize) disconnects that socket only`, async () => {
			const bystander = opened.add(await connectSocket(app.url, store), (s) => s.close());
			const sender = opened.add(await connectSocket(app.url, store, { reconnection: false }), (s) =>
				s.close()
			);
			const dropped = disconnected(sender);
			const answer = sendRaw(sender, 'card:move', { ...valid(), idempotencyKey: 'x'.repeat(size) }).then(
				(ack) => ({ ack }),
				(error: Error) => ({ error: error.message })
			);
			expect(await dropped).toBe('transport close');
			expect(await answer).toEqual({ error: 'socket has been disconnected' });
			expect(bystander.connected).toBe(true);
			expect(await writeCounts(db.sql)).toEqual(before);
		});
	}
});

describe('flooding', () => {
	it('60 commands at once on one socket: the burst is answered, the rest is rateLimited, nothing written', async () => {
		const flooder = opened.add(await connectSocket(app.url, store), (s) => s.close());
		const acks = await Promise.all(
			Array.from({ length: 60 }, () => sendRaw(flooder, 'card:move', { cardId: 'nope' }))
		);
		const codes = acks.map((ack) => (ack.ok ? 'ok' : ack.error.code));
		expect(codes.filter((c) => c === 'invalidInput').length).toBeGreaterThanOrEqual(40);
		expect(codes.filter((c) => c === 'rateLimited').length).toBeGreaterThan(0);
		expect(codes.filter((c) => c !== 'invalidInput' && c !== 'rateLimited')).toEqual([]);
		expect(await writeCounts(db.sql)).toEqual(before);
	});
});

describe('after all that', () => {
	it('the instance still applies a valid move, exactly once', async () => {
		const advisor = opened.add(await connectSocket(app.url, store), (s) => s.close());
		const ack = await move(advisor, { ...valid(), idempotencyKey: 'fuzz-after-0001' });
		expect(ack).toMatchObject({ ok: true, data: { replayed: false, event: { seq: 1 } } });
		expect((await readCard(db.sql, store.cardIds[0])).column).toBe('ready');
		const after = await writeCounts(db.sql);
		expect(after).toEqual({
			events: before.events + 1,
			audits: before.audits + 1,
			results: before.results + 1,
			versions: before.versions + 1
		});
	});
});
