/**
 * The app as Playwright drives it: a fresh database `wb_e2e` on the test Postgres, migrated and
 * seeded with the demo store, served by the production entry on E2E_PORT.
 */
import postgres from 'postgres';
import { adminDatabaseUrl, databaseUrl } from '../adminUrl';

const admin = postgres(adminDatabaseUrl, { max: 1, onnotice: () => {} });
await admin.unsafe('drop database if exists wb_e2e with (force)');
await admin.unsafe('create database wb_e2e');
await admin.end();

process.env.DATABASE_URL = databaseUrl('wb_e2e');
process.env.PORT = process.env.E2E_PORT ?? '3100';
process.env.HOST = '127.0.0.1';
await import('../../src/server/start');
