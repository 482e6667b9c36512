/**
 * The app for the visual baselines: the same production entry as tests/e2e/server.ts, on its own
 * database and port, with the process's clock set to one fixed moment (VISUAL_NOW) that then runs
 * on. The demo seed is laid out around "now", so a fixed now makes the same board, dates and
 * weekdays on every run, and the screenshots comparable from one day to the next. Only JavaScript's
 * Date is moved (this is a test harness, not the app): Postgres keeps real time, which the pages
 * compared here never show.
 */
import postgres from 'postgres';
import { adminDatabaseUrl, databaseUrl } from '../adminUrl';
import { VISUAL_NOW } from './visualClock';

const offset = Date.parse(VISUAL_NOW) - Date.now();
const RealDate = Date;
class ShiftedDate extends RealDate {
	constructor(...args: ConstructorParameters<DateConstructor> | []) {
		if (args.length === 0) super(RealDate.now() + offset);
		else super(...(args as ConstructorParameters<DateConstructor>));
	}
	static now() {
		return RealDate.now() + offset;
	}
}
globalThis.Date = ShiftedDate as DateConstructor;

const admin = postgres(adminDatabaseUrl, { max: 1, onnotice: () => {} });
// E2E_DATABASE / VISUAL_DATABASE: two people running Playwright at once each take their own
const name = process.env.VISUAL_DATABASE ?? 'wb_e2e_visual';
await admin.unsafe(`drop database if exists ${name} with (force)`);
await admin.unsafe(`create database ${name}`);
await admin.end();

process.env.DATABASE_URL = databaseUrl(name);
process.env.PORT = process.env.VISUAL_PORT ?? '3101';
process.env.HOST = '127.0.0.1';
// its own instance: no Redis, so its broadcasts never meet the other e2e server's
delete process.env.REDIS_URL;
await import('../../src/server/start');
