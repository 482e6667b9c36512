/**
 * One app instance as its own process, for fault runs that SIGKILL it: a plain HTTP server with
 * the Socket.IO server of the app (Redis adapter when REDIS_URL is set) on PORT (0: any free
 * port) on loopback. Prints `READY <port>` once it listens and Postgres answered.
 *
 *   PORT=0 DATABASE_URL=... REDIS_URL=... HEARTBEAT_MS=1000 node --import tsx tests/integration/helpers/instance.ts
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from '../../../src/lib/server/db/connect';
import { createRealtime } from '../../../src/lib/server/realtime/server';

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
	console.error('DATABASE_URL is not set');
	process.exit(2);
}
const sql = connect(databaseUrl, 10);
await sql`select 1`;
const http = createServer((_req, res) => res.writeHead(404).end());
const realtime = await createRealtime(http, {
	sql,
	redisUrl: process.env.REDIS_URL || undefined,
	instanceName: process.env.INSTANCE_NAME ?? `pid${process.pid}`,
	heartbeatMs: Number(process.env.HEARTBEAT_MS) || undefined
});
await new Promise<void>((resolve) => http.listen(Number(process.env.PORT ?? 0), '127.0.0.1', resolve));
console.log(`READY ${(http.address() as AddressInfo).port}`);

process.on('SIGTERM', async () => {
	http.closeAllConnections();
	await realtime.close();
	await sql.end({ timeout: 2 });
	process.exit(0);
});
