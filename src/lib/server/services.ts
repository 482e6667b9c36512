import type { Server as HttpServer } from 'node:http';
import { connect, type Sql } from './db/connect';
import { createRealtime, type Realtime } from './realtime/server';
import { readConfig } from './config';
import { startMaintenance } from './maintenance';
import { Snapshots } from './board/snapshots';
import { CardCache } from './board/cardCache';

/**
 * The process-wide services: one `sql`, one Socket.IO server. They are kept on `globalThis`
 * because the production entry (src/server/start.ts) and SvelteKit's built server bundle each
 * hold their own copy of this module; both must see the same instances.
 */
export interface Services {
	sql: Sql;
	/** the boards last read, shared by page loads, the JSON API and socket catch-up */
	snapshots: Snapshots;
	/** the cards this instance saw last: a move of one at its version is one round trip */
	cards: CardCache;
	realtime: Realtime;
	instanceName: string;
	allowedOrigins: readonly string[];
	/** stops the hourly clean-up (src/lib/server/maintenance.ts) */
	stopMaintenance: () => void;
}

const KEY = Symbol.for('workshop-board.services');
type Holder = { [KEY]?: Services };

export function getServices(): Services {
	const services = (globalThis as Holder)[KEY];
	if (!services) throw new Error('services are not started: start the app with npm start or vite dev');
	return services;
}

export async function startServices(options: {
	httpServer: HttpServer;
	databaseUrl?: string;
	redisUrl?: string;
	instanceName?: string;
}): Promise<Services> {
	const config = readConfig();
	const databaseUrl = options.databaseUrl ?? config.databaseUrl;
	if (!databaseUrl) throw new Error('DATABASE_URL is not set');
	const sql = connect(databaseUrl);
	const instanceName = options.instanceName ?? config.instanceName;
	const cards = new CardCache();
	const snapshots = new Snapshots(sql, cards);
	const realtime = await createRealtime(options.httpServer, {
		sql,
		snapshots,
		cards,
		redisUrl: options.redisUrl ?? config.redisUrl,
		instanceName,
		allowedOrigins: config.allowedOrigins
	});
	const stopMaintenance = startMaintenance(sql);
	const services = {
		sql,
		snapshots,
		cards,
		realtime,
		instanceName,
		allowedOrigins: config.allowedOrigins,
		stopMaintenance
	};
	(globalThis as Holder)[KEY] = services;
	return services;
}

export async function stopServices(): Promise<void> {
	const services = (globalThis as Holder)[KEY];
	if (!services) return;
	delete (globalThis as Holder)[KEY];
	services.stopMaintenance();
	await services.realtime.close();
	await services.sql.end({ timeout: 5 });
}
