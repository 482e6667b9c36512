import postgres from 'postgres';

export type Sql = postgres.Sql;

/** The one `sql` instance of a process. Sessions run in UTC; stores carry their own time zone. */
export function connect(url: string, max = 10): Sql {
	return postgres(url, {
		max,
		onnotice: () => {},
		// postgres.js waits (0.5..1) × min(3^n / 100, 20) s before reconnecting, n being the failed
		// connects since the pool last reached the server. A one-second outage fails dozens of
		// connects, and every query on such a connection then waits up to 20 s after the server is
		// back, the heartbeat among them. Retry at most a second apart instead.
		backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 1),
		connection: { TimeZone: 'UTC', application_name: 'workshop-board' }
	});
}
