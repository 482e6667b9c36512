import path from 'node:path';
import { ConfigError, type Config } from '../config';
import { connect } from './connect';
import { startEmbeddedPostgres } from './embedded';
import { migrate } from './migrate';
import { seedDemo } from './seed';
import * as stores from './stores';

/**
 * Readies the database for the app: the configured DATABASE_URL, or the embedded PostgreSQL when
 * none is set; then migrations, and the demo store on an empty database. Used by `npm start` and
 * by `vite dev`.
 */
export async function prepareDatabase(config: Config, log: (line: string) => void) {
	let url = config.databaseUrl;
	let stop: (() => Promise<void>) | undefined;
	if (!url) {
		log(`no DATABASE_URL: starting the embedded PostgreSQL (data in ${path.resolve(config.dataDir)})`);
		const embedded = await startEmbeddedPostgres(config.dataDir, log);
		url = embedded.url;
		stop = embedded.stop;
	}
	const sql = connect(url, 2);
	try {
		try {
			await sql`select 1`;
		} catch (error) {
			const e = error as NodeJS.ErrnoException;
			throw new ConfigError(
				`cannot reach the database at ${redact(url)} (${e.code ?? e.message}): check DATABASE_URL, or unset it to use the embedded PostgreSQL`
			);
		}
		const applied = await migrate(sql);
		if (applied.length) log(`migrations applied: ${applied.join(', ')}`);
		if (config.seedDemo && (await stores.list(sql)).length === 0) {
			await seedDemo(sql);
			log('seeded the demo store: sign in as advisor1 (or director, tech1, admin…; README) with password demo1234');
		}
		return { url, stop, stores: await stores.list(sql) };
	} finally {
		await sql.end();
	}
}

function redact(url: string) {
	return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}
