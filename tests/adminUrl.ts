/**
 * The Postgres and Redis the tests use: DATABASE_URL / REDIS_URL (CI sets both), else this
 * machine's services. Tests never skip when they are unreachable: they fail.
 */
export const adminDatabaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The same server as `adminDatabaseUrl`, another database. */
export function databaseUrl(name: string): string {
	const url = new URL(adminDatabaseUrl);
	url.pathname = `/${name}`;
	return url.toString();
}
