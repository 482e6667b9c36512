import type { Column } from '$lib/domain/board';
import { endOfDay, localDate, startOfDay } from '$lib/domain/calendar';
import {
	greetingSurname,
	maskPlate,
	welcomeStatus,
	type AppointmentStatus,
	type CustomerTitle,
	type WelcomeBoard,
	type WelcomeCard,
	type WelcomeRow
} from '$lib/domain/welcome';
import type { Sql } from './connect';
import * as board from './board';

/** an appointment whose card has left the board: its car was handed over */
const HANDED_OVER: WelcomeCard = { column: 'handover', archived: true };

interface AppointmentRow {
	id: number;
	surname: string;
	title: CustomerTitle;
	plate: string;
	time: string;
	status: AppointmentStatus;
	column: Column | null;
	archived: boolean;
}

/**
 * The store's appointments of its local day at `now`, in arrival order, as privacy-safe rows.
 * `now` is JavaScript's time, not the database's, so a test (or the visual server) can fix it. The
 * full plate is read here and masked before anything leaves this function; the phone and the
 * full name are not even read.
 */
export async function read(
	sql: Sql,
	store: { id: number; timeZone: string },
	now: Date = new Date()
): Promise<WelcomeBoard> {
	const today = localDate(now, store.timeZone);
	// the head before the rows: a change after it is announced with a higher seq and read again
	const head = (await board.heads(sql, [store.id])).get(store.id) ?? 0;
	const found = await sql<AppointmentRow[]>`
		select
			a.id::int as id,
			cu.surname,
			cu.title,
			v.plate,
			to_char(a.scheduled_at at time zone ${store.timeZone}, 'HH24:MI') as time,
			a.status,
			c.board_column as column,
			-- only asked when there is no card on the board: has the car already been handed over?
			case when c.id is null then exists (
				select 1 from cards x where x.appointment_id = a.id and x.archived_at is not null
			) else false end as archived
		from appointments a
		join customers cu on cu.id = a.customer_id
		join vehicles v on v.id = a.vehicle_id
		left join cards c on c.appointment_id = a.id and c.archived_at is null
		where a.store_id = ${store.id}
			and a.scheduled_at >= ${startOfDay(today, store.timeZone)}
			and a.scheduled_at < ${endOfDay(today, store.timeZone)}
			and a.status not in ('cancelled', 'noShow', 'done')
		order by a.scheduled_at, a.id`;
	const rows: WelcomeRow[] = [];
	for (const row of found) {
		const card = row.column
			? { column: row.column, archived: false }
			: row.archived
				? HANDED_OVER
				: null;
		const status = welcomeStatus(row.status, card);
		if (!status) continue;
		rows.push({
			id: row.id,
			surname: greetingSurname(row.surname),
			title: row.title,
			plate: maskPlate(row.plate),
			time: row.time,
			status
		});
	}
	return { today, head, readAt: now.getTime(), rows };
}
