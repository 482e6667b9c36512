import type { Column } from '$lib/domain/board';
import type { AppointmentState } from '$lib/realtime/contract';
import type { Sql } from '../db/connect';
import { readState } from './change';
import * as customers from './customers';

/** An appointment as its page shows it: who, which car, which jobs, when, and where its card is. */
export interface AppointmentDetail extends AppointmentState {
	jobs: string[];
	jobSummary: string;
	column: Column | null;
	cancelReason: string | null;
	customer: customers.FoundCustomer;
	vehicleId: number;
}

export async function read(
	sql: Sql,
	store: { id: number; timeZone: string },
	appointmentId: number
): Promise<AppointmentDetail | null> {
	const [row] = await sql<
		{
			customerId: number;
			vehicleId: number;
			jobSummary: string;
			cancelReason: string | null;
			column: Column | null;
			jobs: string[];
		}[]
	>`
		select a.customer_id::int as "customerId", a.vehicle_id::int as "vehicleId",
			a.job_summary as "jobSummary", a.cancel_reason as "cancelReason",
			(select c.board_column from cards c where c.appointment_id = a.id and c.archived_at is null)
				as column,
			coalesce((select array_agg(j.code order by i.position) from appointment_items i
				join job_types j on j.id = i.job_type_id where i.appointment_id = a.id), '{}') as jobs
		from appointments a where a.id = ${appointmentId} and a.store_id = ${store.id}`;
	if (!row) return null;
	const [state, [customer]] = await Promise.all([
		readState(sql, store, appointmentId),
		customers.find(sql, store.id, { vehicleId: row.vehicleId })
	]);
	return { ...state, ...row, customer };
}
