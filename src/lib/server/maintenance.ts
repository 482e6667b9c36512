import type { Sql } from './db/connect';

/** How long the answer to a command is kept for its retries; screens retry within seconds. */
export const COMMAND_RESULTS_DAYS = 7;
const EVERY_MS = 60 * 60_000;
/** advisory lock key: with several instances, one of them cleans up each hour */
const LOCK = 727_002;

/**
 * Deletes what only grows and is no longer needed: answers to commands older than any retry,
 * sessions ended a month ago, pairing codes long expired. Returns how many rows of each went.
 */
export async function cleanUp(sql: Sql): Promise<Record<string, number> | null> {
	return sql.begin(async (tx) => {
		const [{ locked }] = await tx<{ locked: boolean }[]>`
			select pg_try_advisory_xact_lock(${LOCK}) as locked`;
		if (!locked) return null;
		const results = await tx`
			delete from command_results
			where created_at < now() - ${COMMAND_RESULTS_DAYS + ' days'}::interval`;
		const sessions = await tx`
			delete from sessions
			where coalesce(revoked_at, expires_at) < now() - interval '30 days'`;
		const pairings = await tx`
			delete from display_pairings
			where expires_at < now() - interval '1 day' and (display_id is null or collected_at is not null)`;
		return { commandResults: results.count, sessions: sessions.count, pairings: pairings.count };
	});
}

/** Runs cleanUp() every hour (and once soon after start); returns the stop function. */
export function startMaintenance(sql: Sql): () => void {
	const run = () =>
		cleanUp(sql).catch((error) => console.warn(`[maintenance] ${(error as Error).message}`));
	const first = setTimeout(run, 60_000);
	const timer = setInterval(run, EVERY_MS);
	first.unref();
	timer.unref();
	return () => {
		clearTimeout(first);
		clearInterval(timer);
	};
}
