/** Every environment variable the app reads, in one place (the README lists the same). */
export interface Config {
	port: number;
	host: string;
	databaseUrl: string | undefined;
	redisUrl: string | undefined;
	dataDir: string;
	/** seed the demo store on first start of an empty database */
	seedDemo: boolean;
	/** an instance name in logs and audit rows (several instances behind Redis) */
	instanceName: string;
	/**
	 * origins a browser may open a socket or send a cookie-authenticated write from; empty: only
	 * the origin of the host the request was sent to (right for one host name, no proxy rewriting)
	 */
	allowedOrigins: string[];
}

export class ConfigError extends Error {}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
	const port = Number(env.PORT ?? 3000);
	if (!Number.isInteger(port) || port < 0 || port > 65535) {
		throw new ConfigError(`PORT must be a port number (0-65535), got "${env.PORT}"`);
	}
	return {
		port,
		host: env.HOST ?? '0.0.0.0',
		databaseUrl: env.DATABASE_URL || undefined,
		redisUrl: env.REDIS_URL || undefined,
		dataDir: env.DATA_DIR ?? './data',
		seedDemo: (env.SEED_DEMO ?? 'true') !== 'false',
		instanceName: env.INSTANCE_NAME ?? `pid${process.pid}`,
		allowedOrigins: parseOrigins(env.ALLOWED_ORIGINS)
	};
}

function parseOrigins(value: string | undefined): string[] {
	const origins = (value ?? '').split(',').map((o) => o.trim()).filter(Boolean);
	for (const origin of origins) {
		let parsed: URL | undefined;
		try {
			parsed = new URL(origin);
		} catch {
			// reported below
		}
		if (!parsed || parsed.origin !== origin) {
			throw new ConfigError(
				`ALLOWED_ORIGINS must be a comma-separated list of origins like https://board.example.com, got "${origin}"`
			);
		}
	}
	return origins;
}
