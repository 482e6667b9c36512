import type { Sql } from './connect';

export interface Store {
	id: number;
	slug: string;
	name: string;
	timeZone: string;
}

export async function readBySlug(sql: Sql, slug: string): Promise<Store | undefined> {
	const [store] = await sql<Store[]>`
		select id::int, slug, name, time_zone as "timeZone" from stores where slug = ${slug}`;
	return store;
}

export async function list(sql: Sql): Promise<Store[]> {
	return sql<Store[]>`
		select id::int, slug, name, time_zone as "timeZone" from stores order by id`;
}
