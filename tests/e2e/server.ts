/**
 * The app as Playwright drives it: a fresh database `wb_e2e` on the test Postgres, migrated and
 * seeded with the demo store, served by the production entry on E2E_PORT.
 */
import postgres from 'postgres';
import { adminDatabaseUrl, databaseUrl } from '../adminUrl';

const admin = postgres(adminDatabaseUrl, { max: 1, onnotice: () => {} });
// E2E_DATABASE / VISUAL_DATABASE: two people running Playwright at once each take their own
const name = process.env.E2E_DATABASE ?? 'wb_e2e';
await admin.unsafe(`drop database if exists ${name} with (force)`);
await admin.unsafe(`create database ${name}`);
await admin.end();

process.env.DATABASE_URL = databaseUrl(name);
process.env.PORT = process.env.E2E_PORT ?? '3100';
process.env.HOST = '127.0.0.1';
await import('../../src/server/start');
