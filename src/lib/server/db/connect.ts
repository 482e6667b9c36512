import postgres from 'postgres';

export type Sql = postgres.Sql;

/** The one `sql` instance of a process. Sessions run in UTC; stores carry their own time zone. */
export function connect(url: string, max = 10): Sql {
	return postgres(url, {
		max,
		onnotice: () => {},
		connection: { TimeZone: 'UTC', application_name: 'workshop-board' }
	});
}
