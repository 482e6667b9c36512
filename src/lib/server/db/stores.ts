import type { Sql } from './connect';

export interface Store {
	id: number;
	slug: string;
	name: string;
	timeZone: string;
	groupId: number;
}

const columns = (sql: Sql) =>
	sql`id::int, slug, name, time_zone as "timeZone", group_id::int as "groupId"`;

export async function readBySlug(sql: Sql, slug: string): Promise<Store | undefined> {
	const [store] = await sql<Store[]>`
		select ${columns(sql)} from stores where slug = ${slug}`;
	return store;
}

export async function read(sql: Sql, id: number): Promise<Store | undefined> {
	const [store] = await sql<Store[]>`select ${columns(sql)} from stores where id = ${id}`;
	return store;
}

export async function list(sql: Sql): Promise<Store[]> {
	return sql<Store[]>`
		select ${columns(sql)} from stores order by id`;
}
