import type { Sql } from '../db/connect';
import { normalizeMobile, plateKey } from '$lib/domain/identity';

export interface FoundVehicle {
	id: number;
	plate: string;
	model: string;
	registeredOn: string | null;
	mileageKm: number;
	lastServiceOn: string | null;
}

export interface FoundCustomer {
	id: number;
	name: string;
	surname: string;
	title: string;
	phone: string;
	/** appointments the customer did not come to (counted, DOMAIN.md: no-show rate) */
	noShows: number;
	vehicles: FoundVehicle[];
}

const LIMIT = 20;

/**
 * The store's customers with this mobile number, or the owner of this plate, each with all their
 * vehicles (the advisor picks the car on the phone). Exact matches only: a desk looks up the
 * number the customer calls from, not a fragment of it.
 */
export async function find(
	sql: Sql,
	storeId: number,
	by: { phone: string } | { plate: string } | { vehicleId: number }
): Promise<FoundCustomer[]> {
	let ids: { id: number }[];
	if ('vehicleId' in by) {
		ids = await sql<{ id: number }[]>`
			select customer_id::int as id from vehicles where id = ${by.vehicleId} and store_id = ${storeId}`;
	} else if ('phone' in by) {
		const phone = normalizeMobile(by.phone);
		if (phone === null) return [];
		ids = await sql<{ id: number }[]>`
			select id::int from customers where store_id = ${storeId} and phone = ${phone}
			order by id limit ${LIMIT}`;
	} else {
		ids = await sql<{ id: number }[]>`
			select distinct customer_id::int as id from vehicles
			where store_id = ${storeId}
				and upper(replace(replace(replace(plate, '·', ''), ' ', ''), '-', '')) = ${plateKey(by.plate)}
			limit ${LIMIT}`;
	}
	if (ids.length === 0) return [];
	return sql<FoundCustomer[]>`
		select c.id::int, c.name, c.surname, c.title, c.phone,
			(select count(*)::int from appointments a
				where a.customer_id = c.id and a.status = 'noShow') as "noShows",
			coalesce((
				select json_agg(json_build_object(
					'id', v.id, 'plate', v.plate, 'model', v.model,
					'registeredOn', to_char(v.registered_on, 'YYYY-MM-DD'), 'mileageKm', v.mileage_km,
					'lastServiceOn', to_char(v.last_service_on, 'YYYY-MM-DD')) order by v.id)
				from vehicles v where v.customer_id = c.id and v.store_id = ${storeId}
			), '[]'::json) as vehicles
		from customers c
		where c.store_id = ${storeId} and c.id = any(${ids.map((r) => r.id)}::bigint[])
		order by c.id`;
}
