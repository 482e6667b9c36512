import { randomInt } from 'node:crypto';
import { addDays, localDate, type DateKey } from '../../../src/lib/domain/calendar';
import type { Sql } from '../../../src/lib/server/db/connect';
import type { Store } from '../../../src/lib/server/db/stores';
import * as sessions from '../../../src/lib/server/auth/sessions';
import { COOKIES } from '../../../src/lib/server/auth/principal';
import { provisionBooking } from '../../../src/lib/server/appointments/provision';
import type { BookingActor } from '../../../src/lib/server/appointments/book';
import type { BookCommand } from '../../../src/lib/server/appointments/command';

/**
 * A store ready to book: its technicians (each with the given minutes every weekday), the default
 * job types, an advisor, a director, customer service and parts (each signed in), and one known
 * customer with a car. Random large ids: every test run shares one Redis, whose rooms are named
 * by store id.
 */
export interface BookingStore extends Store {
	customerId: number;
	vehicleId: number;
	users: Record<'advisor' | 'director' | 'service' | 'parts', { id: number; cookie: string; username: string }>;
}

export async function addBookingStore(
	sql: Sql,
	options: { technicianMinutes?: number[]; capacity?: Record<string, unknown> } = {}
): Promise<BookingStore> {
	const id = randomInt(1_000_000, 2_000_000_000);
	const slug = `bk-${id}`;
	const [group] = await sql<{ id: number }[]>`
		insert into dealer_groups (name) values ('预约测试集团') returning id::int`;
	await sql`
		insert into stores (id, group_id, slug, name)
		overriding system value values (${id}, ${group.id}, ${slug}, ${'预约测试店 ' + id})`;
	const users = {} as BookingStore['users'];
	for (const role of ['advisor', 'director', 'service', 'parts'] as const) {
		const username = `${role}-${slug}`;
		const [user] = await sql<{ id: number }[]>`
			insert into users (username, display_name) values (${username}, ${role + '·' + id})
			returning id::int`;
		await sql`insert into store_roles (user_id, store_id, role) values (${user.id}, ${id}, ${role})`;
		const session = await sessions.create(sql, user.id, { address: '127.0.0.1', userAgent: 'test' });
		users[role] = { id: user.id, username, cookie: `${COOKIES.session}=${session.token}` };
	}
	const minutes = options.technicianMinutes ?? [480, 480, 480, 480];
	for (const [i, m] of minutes.entries()) {
		const [tech] = await sql<{ id: number }[]>`
			insert into users (username, display_name) values (${`tech${i}-${slug}`}, ${'技师' + i})
			returning id::int`;
		await sql`insert into store_roles (user_id, store_id, role) values (${tech.id}, ${id}, 'technician')`;
		await sql`
			insert into technician_shifts (store_id, user_id, weekday, minutes)
			select ${id}, ${tech.id}, d::smallint, ${m}::smallint from generate_series(1, 7) d`;
	}
	await provisionBooking(sql, id);
	if (options.capacity) {
		await sql`insert into store_booking_rules (store_id, capacity) values (${id}, ${sql.json(options.capacity as never)})`;
	}
	const [customer] = await sql<{ id: number }[]>`
		insert into customers (store_id, name, surname, title, phone)
		values (${id}, '王建国', '王', '先生', '13912345678') returning id::int`;
	const [vehicle] = await sql<{ id: number }[]>`
		insert into vehicles (store_id, customer_id, plate, model, registered_on)
		values (${id}, ${customer.id}, '沪A·12345', '帕萨特', '2022-05-01') returning id::int`;
	return {
		id,
		slug,
		name: '预约测试店 ' + id,
		timeZone: 'Asia/Shanghai',
		groupId: group.id,
		customerId: customer.id,
		vehicleId: vehicle.id,
		users
	};
}

/** A store-local day `n` days from today (Shanghai): bookings far enough ahead never hit "now". */
export const dayFromToday = (n: number): DateKey =>
	addDays(localDate(Date.now(), 'Asia/Shanghai'), n);

export const actorOf = (store: BookingStore, role: 'advisor' | 'director' | 'service' = 'advisor'): BookingActor => ({
	userId: store.users[role].id,
	label: store.users[role].username,
	source: 'test 127.0.0.1 inst-test',
	advisorId: role === 'advisor' ? store.users.advisor.id : null
});

let keys = 0;
export const newKey = (label = 'book') => `${label}-${process.pid}-${Date.now()}-${++keys}`;

/** A booking of the store's known customer and car, with whatever `over` changes. */
export const booking = (store: BookingStore, over: Partial<BookCommand> = {}): BookCommand => ({
	idempotencyKey: newKey(),
	customer: { id: store.customerId },
	vehicle: { id: store.vehicleId },
	day: dayFromToday(7),
	start: '11:00',
	jobs: ['maintenance'],
	channel: 'phone',
	...over
});

/** A new customer with a new car, distinct per `n`: races book different people. */
export const newcomer = (n: number) => ({
	customer: { surname: '李', title: '女士' as const, phone: `1370000${String(n).padStart(4, '0')}` },
	vehicle: { plate: `沪B·${String(10000 + n).slice(-5)}`, model: '途观L' }
});

/** Row counts of everything a booking writes (refusal audit rows have no seq: not counted). */
export async function bookingWrites(sql: Sql) {
	const [row] = await sql<Record<string, number>[]>`
		select
			(select count(*)::int from appointments) as appointments,
			(select count(*)::int from appointment_items) as items,
			(select count(*)::int from customers) as customers,
			(select count(*)::int from vehicles) as vehicles,
			(select count(*)::int from cards) as cards,
			(select count(*)::int from board_events) as events,
			(select count(*)::int from audit_log where seq is not null) as audits,
			(select count(*)::int from command_results) as results,
			(select coalesce(sum(last_seq), 0)::int from store_sequences) as seqs`;
	return row;
}
