import postgres from 'postgres';
import type { Sql } from './connect';

/** Sends the transaction's last statement and COMMIT together; resolves with the statement's rows once COMMIT is answered. */
export type CommitWith = <T extends readonly postgres.MaybeRow[]>(
	last: postgres.PendingQuery<T>
) => Promise<postgres.RowList<T>>;

/**
 * A transaction in two round trips fewer than `sql.begin`: BEGIN goes out in the same write as the
 * transaction's first statements (`sql.begin` waits for BEGIN's answer before it runs the callback),
 * and `commitWith(last)` sends the last statement and COMMIT together.
 *
 * The promises of `sql.begin` hold:
 * - nothing runs outside the transaction: Postgres answers in order, so by the time the callback
 *   has the answers of its first statements, BEGIN's answer is here too; `commitWith` checks it
 *   before it sends anything that writes;
 * - committed means committed: `commitWith` resolves only after Postgres answered COMMIT with
 *   COMMIT (after a failed statement it answers ROLLBACK, and the failure is thrown);
 * - a callback that throws (or returns without `commitWith`) is rolled back (committed, if it
 *   returns), and the connection goes back to the pool only once Postgres has answered that: a
 *   connection that was lost under the transaction is left to postgres.js, which has closed it
 *   (releasing it would put a dead connection into the pool).
 */
export async function pipelinedTransaction<T>(
	sql: Sql,
	fn: (tx: postgres.ReservedSql, commitWith: CommitWith) => Promise<T>
): Promise<T> {
	const tx = await sql.reserve();
	let committed = false;
	// queued now, so the callback's first statements go out behind it in the same write
	const begun = tx`begin`;
	begun.catch(() => {}); // awaited below; the statements behind it fail too if it did
	const commitWith: CommitWith = async (last) => {
		const begin = await begun;
		if (begin.command !== 'BEGIN') throw new Error(`expected BEGIN, got ${begin.command}`);
		const [rows, commit] = await Promise.all([last, tx`commit`]);
		if (commit.command !== 'COMMIT') throw new Error(`transaction not committed: ${commit.command}`);
		committed = true;
		return rows;
	};
	let alive = true;
	try {
		const result = await fn(tx, commitWith);
		if (!committed) {
			await begun;
			// nothing written (a replay): commit ends it as well as rollback would
			const commit = await tx`commit`;
			if (commit.command !== 'COMMIT') throw new Error(`transaction not committed: ${commit.command}`);
			committed = true;
		}
		return result;
	} catch (error) {
		if (!committed) {
			try {
				await tx`rollback`;
			} catch (rollbackError) {
				// no answer from Postgres: the connection is gone, and postgres.js has taken it back
				if (!(rollbackError instanceof postgres.PostgresError)) alive = false;
			}
		}
		throw error;
	} finally {
		// only after Postgres answered on this connection (COMMIT or ROLLBACK): it is alive now
		if (alive) tx.release();
	}
}
