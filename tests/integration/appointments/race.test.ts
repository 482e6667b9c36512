/**
 * Two bookings for the last free slot at the same moment: exactly one gets it. Each round sends N
 * bookings at once, half through each of two instances (two connection pools), and counts the
 * winners; repeated over fresh days so that a lucky interleaving cannot pass by chance.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { invariantViolations } from '../helpers/boardFixture';
import { cleanup } from '../helpers/apps';
import { connect, type Sql } from '$lib/server/db/connect';
import { bookAppointment, type BookingAnswer } from '$lib/server/appointments/book';
import { bookCommand } from '$lib/server/appointments/command';
import { actorOf, addBookingStore, booking, dayFromToday, newcomer, type BookingStore } from './world';

const ROUNDS = 12;
const RACERS = 8;

const opened = cleanup();
let db: TestDatabase;
let pools: Sql[];
let store: BookingStore;

beforeAll(async () => {
	db = opened.add(await createTestDatabase(), (d) => d.drop());
	pools = [0, 1].map(() => opened.add(connect(db.url, RACERS), (sql) => sql.end({ timeout: 5 })));
	// two technicians, 150 minutes each: appointments may fill floor(300 × 80%) = 240 minutes a day
	store = await addBookingStore(db.sql, { technicianMinutes: [150, 150] });
});
afterAll(() => opened.run());

let people = 1000;
const race = (inputs: unknown[]) =>
	Promise.all(
		inputs.map((input, i) =>
			bookAppointment(pools[i % 2], store, bookCommand.parse(input), actorOf(store))
		)
	);

function tally(answers: BookingAnswer[]) {
	const winners = answers.filter((a) => a.ok);
	const reasons = answers.flatMap((a) => (a.ok ? [] : [a.error.reason ?? a.error.code]));
	return { winners: winners.length, reasons };
}

const appointmentsOn = async (day: string) =>
	(
		await db.sql<{ n: number; minutes: number }[]>`
			select count(*)::int as n, coalesce(sum(labour_minutes), 0)::int as minutes from appointments
			where store_id = ${store.id} and scheduled_at >= ${day + 'T00:00:00+08:00'}::timestamptz
				and scheduled_at < ${day + 'T00:00:00+08:00'}::timestamptz + interval '1 day'`
	)[0];

describe(`${RACERS} bookings at once for the last free place, ${ROUNDS} rounds`, () => {
	it('the last arrival of a busy slot (quota 1): exactly one booked, the rest slotFull', async () => {
		const summary: string[] = [];
		for (let round = 0; round < ROUNDS; round++) {
			const day = dayFromToday(20 + round);
			const answers = await race(
				Array.from({ length: RACERS }, () => booking(store, { day, start: '08:30', ...newcomer(people++) }))
			);
			const { winners, reasons } = tally(answers);
			summary.push(`${winners}/${RACERS}`);
			expect(winners, JSON.stringify(answers)).toBe(1);
			expect(reasons).toEqual(Array(RACERS - 1).fill('slotFull'));
			expect((await appointmentsOn(day)).n).toBe(1);
		}
		console.log(`[race slotFull] winners per round: ${summary.join(' ')}`);
	});

	it('the last hour of the 80%: exactly one booked, the rest labourFull, whatever slot each chose', async () => {
		const summary: string[] = [];
		const idle = ['11:00', '11:15', '11:30', '11:45', '13:00', '13:15', '13:30', '13:45'];
		for (let round = 0; round < ROUNDS; round++) {
			const day = dayFromToday(40 + round);
			// 180 of 240 minutes taken: one more hour fits
			for (const start of ['12:00', '14:00', '14:15']) {
				const first = await bookAppointment(
					db.sql,
					store,
					bookCommand.parse(booking(store, { day, start, ...newcomer(people++) })),
					actorOf(store)
				);
				expect(first.ok).toBe(true);
			}
			const answers = await race(
				idle.slice(0, RACERS).map((start) => booking(store, { day, start, ...newcomer(people++) }))
			);
			const { winners, reasons } = tally(answers);
			summary.push(`${winners}/${RACERS}`);
			expect(winners, JSON.stringify(answers)).toBe(1);
			expect(reasons).toEqual(Array(RACERS - 1).fill('labourFull'));
			expect(await appointmentsOn(day)).toEqual({ n: 4, minutes: 240 });
		}
		console.log(`[race labourFull] winners per round: ${summary.join(' ')}`);
	});

	it('leaves no trace of the losers: no customer, car, card or event of theirs', async () => {
		const [row] = await db.sql<{ customers: number; appointments: number; cards: number; events: number }[]>`
			select
				(select count(*)::int from customers where store_id = ${store.id}) as customers,
				(select count(*)::int from appointments where store_id = ${store.id}) as appointments,
				(select count(*)::int from cards where store_id = ${store.id}) as cards,
				(select count(*)::int from board_events where store_id = ${store.id}) as events`;
		// one known customer, then one new customer per booking that went through
		expect(row.customers).toBe(1 + row.appointments);
		expect(row.cards).toBe(row.appointments);
		expect(row.events).toBe(row.appointments);
		expect(await invariantViolations(db.sql)).toEqual([]);
	});
});
