import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect, type Sql } from '../../../src/lib/server/db/connect';
import { createRealtime, type Realtime } from '../../../src/lib/server/realtime/server';

export interface App {
	name: string;
	url: string;
	sql: Sql;
	realtime: Realtime;
	close(): Promise<void>;
}

/**
 * One app instance inside the test process: its own HTTP server on a free loopback port, its own
 * `sql` pool, and the Socket.IO server with the Redis adapter when `redisUrl` is given. Several of
 * these side by side are several instances behind Redis.
 */
export async function startApp(options: {
	name: string;
	databaseUrl: string;
	redisUrl?: string;
	heartbeatMs?: number;
	rateLimit?: { perSecond: number; burst: number };
	allowedOrigins?: string[];
	revalidateMs?: number;
}): Promise<App> {
	const sql = connect(options.databaseUrl, 10);
	const http = createServer((_req, res) => res.writeHead(404).end());
	const realtime = await createRealtime(http, {
		sql,
		redisUrl: options.redisUrl,
		instanceName: options.name,
		heartbeatMs: options.heartbeatMs,
		rateLimit: options.rateLimit,
		allowedOrigins: options.allowedOrigins,
		revalidateMs: options.revalidateMs
	});
	await new Promise<void>((resolve, reject) => {
		http.once('error', reject);
		http.listen(0, '127.0.0.1', resolve);
	});
	const { port } = http.address() as AddressInfo;
	return {
		name: options.name,
		url: `http://127.0.0.1:${port}`,
		sql,
		realtime,
		async close() {
			http.closeAllConnections();
			await realtime.close();
			await sql.end({ timeout: 5 });
		}
	};
}

/** Closes whatever was opened, in reverse order, even when some of it never started. */
export function cleanup() {
	const steps: (() => unknown)[] = [];
	return {
		add<T>(value: T, close: (value: T) => unknown): T {
			steps.push(() => close(value));
			return value;
		},
		async run() {
			for (const step of steps.reverse()) {
				try {
					await step();
				} catch (error) {
					console.warn(`[cleanup] ${(error as Error).message}`);
				}
			}
			steps.length = 0;
		}
	};
}
