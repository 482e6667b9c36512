import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Sql } from 'postgres';

const MIGRATIONS_LOCK = 727_001; // advisory lock key: two instances starting at once do not race

/**
 * Applies the numbered, forward-only `.sql` files of `dir` that are not yet recorded, in order,
 * all in one transaction. Applying twice is a no-op. Returns the names it applied.
 */
export async function migrate(sql: Sql, dir = path.resolve('db/migrations')): Promise<string[]> {
	const files = (await readdir(dir)).filter((f) => /^\d{5}_.+\.sql$/.test(f)).sort();
	return sql.begin(async (tx) => {
		await tx`select pg_advisory_xact_lock(${MIGRATIONS_LOCK})`;
		await tx`create table if not exists schema_migrations (
			version text primary key,
			applied_at timestamptz not null default now()
		)`;
		const done = new Set(
			(await tx<{ version: string }[]>`select version from schema_migrations`).map((r) => r.version)
		);
		const applied: string[] = [];
		for (const file of files) {
			if (done.has(file)) continue;
			await tx.unsafe(await readFile(path.join(dir, file), 'utf8'));
			await tx`insert into schema_migrations (version) values (${file})`;
			applied.push(file);
		}
		return applied;
	});
}
