/**
 * The production entry: one HTTP server serves SvelteKit's pages and JSON API and the Socket.IO
 * sockets on one port. Without DATABASE_URL it brings its own PostgreSQL (embedded, data under
 * DATA_DIR), migrates, and seeds the demo store on first start.
 *
 *   npm start            build, then run this file
 *   npm run serve        run this file on an existing build
 */
import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { readConfig, ConfigError, type Config } from '../lib/server/config';
import { connect } from '../lib/server/db/connect';
import { migrate } from '../lib/server/db/migrate';
import { seedDemo } from '../lib/server/db/seed';
import * as stores from '../lib/server/db/stores';
import { startEmbeddedPostgres } from '../lib/server/db/embedded';
import { startServices, stopServices } from '../lib/server/services';

const log = (line: string) => console.log(`[workshop-board] ${line}`);

/** Start-up problems a user can fix: one clear line, no stack trace. */
function fail(message: string): never {
	console.error(`[workshop-board] cannot start: ${message}`);
	process.exit(1);
}

async function main(config: Config) {
	const buildHandler = path.resolve('build/handler.js');
	if (!existsSync(buildHandler)) fail('no build found: run `npm run build` first (npm start does both)');

	// until SvelteKit is attached, answer "starting" rather than leaving requests hanging
	const starting = (_req: unknown, res: import('node:http').ServerResponse) => {
		res.writeHead(503, { 'retry-after': '1' }).end('starting');
	};
	const http = createServer(starting);
	// Claim the port before anything slow, so "port in use" is the first thing a user hears.
	await new Promise<void>((resolve) => {
		http.once('error', (error: NodeJS.ErrnoException) => {
			if (error.code === 'EADDRINUSE') {
				fail(`port ${config.port} is already in use: stop what runs there or set PORT to another port`);
			}
			fail(`cannot listen on ${config.host}:${config.port}: ${error.message}`);
		});
		http.listen(config.port, config.host, resolve);
	});

	let databaseUrl = config.databaseUrl;
	let stopEmbedded: (() => Promise<void>) | undefined;
	if (!databaseUrl) {
		log(`no DATABASE_URL: starting the embedded PostgreSQL (data in ${path.resolve(config.dataDir)})`);
		const embedded = await startEmbeddedPostgres(config.dataDir, log);
		databaseUrl = embedded.url;
		stopEmbedded = embedded.stop;
	}

	const sql = connect(databaseUrl, 2);
	try {
		await sql`select 1`;
	} catch (error) {
		const e = error as NodeJS.ErrnoException;
		fail(
			`cannot reach the database at ${redact(databaseUrl)} (${e.code ?? e.message}): check DATABASE_URL, or unset it to use the embedded PostgreSQL`
		);
	}
	const applied = await migrate(sql);
	if (applied.length) log(`migrations applied: ${applied.join(', ')}`);
	if (config.seedDemo && (await stores.list(sql)).length === 0) {
		await seedDemo(sql);
		log('seeded the demo store');
	}
	const storeList = await stores.list(sql);
	await sql.end();

	await startServices({ httpServer: http, databaseUrl });
	const { handler } = (await import(pathToFileURL(buildHandler).href)) as {
		handler: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void;
	};
	http.off('request', starting);
	http.on('request', (req, res) => {
		// Socket.IO answers its own path; everything else is SvelteKit
		if (req.url?.startsWith('/socket.io/')) return;
		handler(req, res);
	});

	const base = `http://localhost:${(http.address() as import('node:net').AddressInfo).port}`;
	log(`ready on ${base}${config.redisUrl ? ' (Redis adapter on)' : ''}`);
	for (const store of storeList) {
		log(`${store.name}: board ${base}/s/${store.slug}/board`);
	}

	let stopping = false;
	const stop = async () => {
		if (stopping) return;
		stopping = true;
		log('stopping');
		http.closeAllConnections();
		await stopServices().catch(() => {});
		await stopEmbedded?.().catch(() => {});
		process.exit(0);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

function redact(url: string) {
	return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

try {
	await main(readConfig());
} catch (error) {
	if (error instanceof ConfigError) fail(error.message);
	throw error;
}
