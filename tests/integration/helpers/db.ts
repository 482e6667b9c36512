import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { connect, type Sql } from '../../../src/lib/server/db/connect';
import { migrate } from '../../../src/lib/server/db/migrate';
import { adminDatabaseUrl, databaseUrl } from '../../adminUrl';

export interface TestDatabase {
	sql: Sql;
	url: string;
	/** ends the connection and drops the database */
	drop(): Promise<void>;
}

/**
 * A fresh, migrated database `wb_t_<random>` on the Postgres of DATABASE_URL (default: this
 * machine's `test` database), so that test files never see each other's rows.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
	const name = `wb_t_${randomBytes(6).toString('hex')}`;
	const admin = connect(adminDatabaseUrl, 1);
	try {
		await admin`create database ${admin(name)}`;
	} finally {
		await admin.end();
	}
	const url = databaseUrl(name);
	const sql = connect(url);
	try {
		await migrate(sql, fileURLToPath(new URL('../../../db/migrations', import.meta.url)));
	} catch (error) {
		await sql.end();
		await dropDatabase(name);
		throw error;
	}
	return {
		sql,
		url,
		async drop() {
			await sql.end();
			await dropDatabase(name);
		}
	};
}

async function dropDatabase(name: string) {
	const admin = connect(adminDatabaseUrl, 1);
	try {
		await admin`drop database if exists ${admin(name)} with (force)`;
	} finally {
		await admin.end();
	}
}
