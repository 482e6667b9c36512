/**
 * The hourly clean-up deletes only what no one needs any more: answers to commands older than any
 * retry, sessions ended a month ago, long-expired pairing codes; never a live session or a fresh
 * answer. With several instances, one cleans at a time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanUp, COMMAND_RESULTS_DAYS } from '../../src/lib/server/maintenance';
import { hashToken, newToken } from '../../src/lib/server/auth/secrets';
import { createTestDatabase, type TestDatabase } from './helpers/db';
import { addStore, type FixtureStore } from './helpers/boardFixture';

let db: TestDatabase;
let store: FixtureStore;

beforeAll(async () => {
	db = await createTestDatabase();
	store = await addStore(db.sql, { cards: 1 });
});
afterAll(() => db?.drop());

const count = async (table: string) =>
	(await db.sql<{ n: number }[]>`select count(*)::int as n from ${db.sql(table)}`)[0].n;

describe('the hourly clean-up', () => {
	it('deletes old answers, long-ended sessions and expired codes, and nothing live', async () => {
		const { sql } = db;
		const old = `${COMMAND_RESULTS_DAYS + 1} days`;
		await sql`
			insert into command_results (store_id, idempotency_key, result, created_at) values
				(${store.id}, 'old-key', '{}', now() - ${old}::interval),
				(${store.id}, 'fresh-key', '{}', now() - interval '1 hour')`;
		const session = (at: string, revoked: boolean) => sql`
			insert into sessions (token_hash, user_id, expires_at, absolute_expires_at, address, revoked_at)
			values (${hashToken(newToken())}, ${store.advisorId}, now() - ${at}::interval,
				now() - ${at}::interval, '127.0.0.1', ${revoked ? sql`now() - ${at}::interval` : null})`;
		await session('40 days', false); // expired long ago
		await session('31 days', true); // signed out long ago
		await session('2 days', false); // expired lately: kept a while for the record
		const sessionsBefore = await count('sessions'); // + the fixture advisor's live session
		await sql`
			insert into display_pairings (code, secret_hash, expires_at, address) values
				('OLD234', ${hashToken(newToken())}, now() - interval '2 days', '127.0.0.1'),
				('NEW234', ${hashToken(newToken())}, now() + interval '5 minutes', '127.0.0.1')`;

		expect(await cleanUp(sql)).toEqual({ commandResults: 1, sessions: 2, pairings: 1 });
		expect((await sql`select idempotency_key from command_results`).map((r) => r.idempotency_key)).toEqual([
			'fresh-key'
		]);
		expect(await count('sessions')).toBe(sessionsBefore - 2);
		expect((await sql`select code from display_pairings`).map((r) => r.code)).toEqual(['NEW234']);
		// the fixture advisor's session still opens the board
		const [live] = await sql`select 1 from sessions where user_id = ${store.advisorId} and expires_at > now()`;
		expect(live).toBeDefined();
	});

	it('runs on one instance at a time: a second clean-up meanwhile does nothing', async () => {
		const { sql } = db;
		// another instance is cleaning up: it holds the lock in its transaction
		const meanwhile = await sql.begin(async (tx) => {
			await tx`select pg_advisory_xact_lock(727002)`;
			return cleanUp(sql);
		});
		expect(meanwhile).toBeNull();
		// and once it is done, the next one runs (with nothing left to delete)
		expect(await cleanUp(sql)).toEqual({ commandResults: 0, sessions: 0, pairings: 0 });
	});
});
