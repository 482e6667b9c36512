/**
 * The production entry: one HTTP server serves SvelteKit's pages and JSON API and the Socket.IO
 * sockets on one port. Without DATABASE_URL it brings its own PostgreSQL (embedded, data under
 * DATA_DIR), migrates, and seeds the demo store on first start.
 *
 *   npm start            build, then run this file
 *   npm run serve        run this file on an existing build
 */
import { createServer, type RequestListener } from 'node:http';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { readConfig, ConfigError, type Config } from '../lib/server/config';
import { prepareDatabase } from '../lib/server/db/prepare';
import { startServices, stopServices } from '../lib/server/services';

const log = (line: string) => console.log(`[workshop-board] ${line}`);

/** Start-up problems a user can fix: one clear line, no stack trace. */
function fail(message: string): never {
	console.error(`[workshop-board] cannot start: ${message}`);
	process.exit(1);
}

const PROTOCOL_HEADER = 'x-workshop-board-protocol';

async function main(config: Config) {
	const buildHandler = path.resolve('build/handler.js');
	if (!existsSync(buildHandler)) fail('no build found: run `npm run build` first (npm start does both)');

	// Until SvelteKit is attached, answer "starting" rather than leave requests hanging. Socket.IO
	// wraps the request listener and answers /socket.io/ itself; everything else goes to `serve`.
	let serve: RequestListener = (_req, res) => {
		res.writeHead(503, { 'retry-after': '1' }).end('starting');
	};
	// adapter-node takes a request for https unless told otherwise (ORIGIN or PROTOCOL_HEADER), and
	// then refuses our own form posts as cross-site and marks cookies Secure on plain http. Served
	// directly, the protocol is the connection's own; behind a TLS proxy set ORIGIN or
	// PROTOCOL_HEADER=x-forwarded-proto (README).
	const ownProtocol = !process.env.ORIGIN && !process.env.PROTOCOL_HEADER;
	if (ownProtocol) process.env.PROTOCOL_HEADER = PROTOCOL_HEADER;
	const http = createServer((req, res) => {
		if (ownProtocol) {
			// never the client's word for it
			req.headers[PROTOCOL_HEADER] = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
		}
		serve(req, res);
	});
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

	const database = await prepareDatabase(config, log);
	const stopEmbedded = database.stop;
	const storeList = database.stores;

	const services = await startServices({ httpServer: http, databaseUrl: database.url });
	const { handler } = (await import(pathToFileURL(buildHandler).href)) as {
		handler: RequestListener;
	};
	serve = handler;

	const base = `http://localhost:${(http.address() as import('node:net').AddressInfo).port}`;
	for (const store of storeList) {
		log(`${store.name}: board ${base}/s/${store.slug}/board`);
	}
	log(`ready on ${base}${config.redisUrl ? ' (Redis adapter on)' : ''}`);

	let stopping = false;
	const stop = async () => {
		if (stopping) return;
		stopping = true;
		const { direct, read } = services.cards.moves;
		log(`stopping; moves since start: ${direct} in one round trip, ${read} read the card first`);
		http.closeAllConnections();
		await stopServices().catch(() => {});
		await stopEmbedded?.().catch(() => {});
		process.exit(0);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

try {
	await main(readConfig());
} catch (error) {
	if (error instanceof ConfigError) fail(error.message);
	throw error;
}
