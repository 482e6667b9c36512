import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { OPEN_EVERY_DAY, workdaysBefore, type StoreCalendar } from './calendar';
import {
	availableSlots,
	checkBooking,
	dayLabour,
	defaultCapacityRules,
	firstBookableDay,
	fullYears,
	latestOrderDay,
	partsArrivalDay,
	priceInFen,
	slotTier,
	type Booking,
	type BookingRequest
} from './capacity';

const shanghai: StoreCalendar = { timeZone: 'Asia/Shanghai', ...OPEN_EVERY_DAY };
const rules = defaultCapacityRules(shanghai);
/** Friday 2026-11-20, 10:00 in Shanghai */
const now = Date.parse('2026-11-20T02:00:00Z');
/** ten technicians, eight hours each: 80 labour hours, 64 bookable (DOMAIN.md "Sizes") */
const monday = { date: '2026-11-23', technicianMinutes: Array(10).fill(480) };
const maintenance: BookingRequest = { kind: 'appointment', jobTypes: ['maintenance'] };
const appointment = (start: number, labourMinutes = 60): Booking => ({
	kind: 'appointment',
	start,
	labourMinutes
});
const walkIn = (labourMinutes: number): Booking => ({ kind: 'walkIn', start: null, labourMinutes });
const at = (h: number, m = 0) => h * 60 + m;

describe('labour time', () => {
	it('holds back 20% of the technicians’ minutes: 80 h of labour, 64 h bookable', () => {
		expect(dayLabour(monday.technicianMinutes, rules, [])).toMatchObject({
			totalMinutes: 4800,
			appointmentMinutes: 3840,
			heldBackMinutes: 960,
			remainingForAppointments: 3840,
			remainingTotal: 4800
		});
	});

	it('rounds the bookable share down, so rounding never passes 80%', () => {
		expect(dayLabour([481], rules, []).appointmentMinutes).toBe(384);
	});

	it('lets walk-ins use the held-back share first, then what appointments could still take', () => {
		const some = dayLabour(monday.technicianMinutes, rules, [
			appointment(at(9), 3000),
			walkIn(900)
		]);
		expect(some.remainingForAppointments).toBe(840);
		const many = dayLabour(monday.technicianMinutes, rules, [
			appointment(at(9), 3000),
			walkIn(1500)
		]);
		expect(many.remainingForAppointments).toBe(300);
		expect(many.remainingTotal).toBe(300);
	});

	it('honours a store’s own held-back share', () => {
		expect(dayLabour([600], { heldBackPercent: 30 }, []).appointmentMinutes).toBe(420);
	});
});

describe('slots', () => {
	const day = availableSlots(monday, rules, [], maintenance, now);

	it('spaces arrivals 15 minutes apart within opening hours', () => {
		expect(day.slots).toHaveLength(36);
		expect(day.slots[0].time).toBe('08:30');
		expect(day.slots.at(-1)!.time).toBe('17:15');
	});

	it('tiers the busy morning and evening, the transitions, and the idle middle of the day', () => {
		const tierAt = (time: string) => day.slots.find((s) => s.time === time)!.tier;
		expect(tierAt('08:30')).toBe('busy');
		expect(tierAt('09:45')).toBe('busy');
		expect(tierAt('10:00')).toBe('transition');
		expect(tierAt('11:00')).toBe('idle');
		expect(tierAt('15:15')).toBe('idle');
		expect(tierAt('15:30')).toBe('transition');
		expect(tierAt('16:30')).toBe('busy');
		expect(day.slots.filter((s) => s.tier === 'busy')).toHaveLength(10);
	});

	it('recommends idle slots at a discount and charges a busy slot full price', () => {
		const idle = day.slots.find((s) => s.time === '13:00')!;
		const busy = day.slots.find((s) => s.time === '08:30')!;
		expect(idle).toMatchObject({ recommended: true, priceFactorPercent: 90, quota: 3 });
		expect(busy).toMatchObject({ recommended: false, priceFactorPercent: 100, quota: 1 });
		expect(priceInFen(39_900, idle.priceFactorPercent)).toBe(35_910);
	});

	it('fills a slot’s quota, counting an off-step arrival in the slot it falls in', () => {
		const slots = availableSlots(
			monday,
			rules,
			[appointment(at(8, 30)), appointment(at(9, 5))],
			maintenance,
			now
		).slots;
		expect(slots.find((s) => s.time === '08:30')).toMatchObject({
			available: false,
			remaining: 0,
			unavailable: { reason: 'slotFull', needsOverride: true }
		});
		expect(slots.find((s) => s.time === '09:00')!.remaining).toBe(0);
		expect(slots.find((s) => s.time === '09:15')!.available).toBe(true);
	});

	it('does not offer a slot that has already begun today, in the store’s zone', () => {
		const today = { ...monday, date: '2026-11-20' };
		const shanghaiSlots = availableSlots(today, rules, [], maintenance, now).slots;
		expect(shanghaiSlots.find((s) => s.time === '10:00')!.unavailable?.reason).toBe('slotInPast');
		expect(shanghaiSlots.find((s) => s.time === '10:15')!.available).toBe(true);
		// the same instant is 08:00 in Urumqi: the whole day is still ahead
		const urumqi = defaultCapacityRules({ ...shanghai, timeZone: 'Asia/Urumqi' });
		expect(
			availableSlots(today, urumqi, [], maintenance, now).slots.every((s) => s.available)
		).toBe(true);
	});

	it('marks every slot unavailable when the day is past the 80%', () => {
		const full = availableSlots(monday, rules, [appointment(at(12), 3800)], maintenance, now);
		expect(full.slots.every((s) => s.unavailable?.reason === 'labourFull')).toBe(true);
		expect(full.labour.remainingForAppointments).toBe(40);
	});

	it('gives one reason for the whole day when the day itself is refused', () => {
		const sundaysClosed = defaultCapacityRules({ ...shanghai, closedWeekdays: [7] });
		const sunday = availableSlots(
			{ ...monday, date: '2026-11-22' },
			sundaysClosed,
			[],
			maintenance,
			now
		);
		expect(sunday.dayRefusal?.reason).toBe('closedDay');
		expect(sunday.slots.some((s) => s.available)).toBe(false);
	});

	it('reads tiers from the store’s own periods', () => {
		expect(slotTier(at(12), { busy: [{ from: at(12), to: at(13) }], transition: [] })).toBe('busy');
	});
});

describe('checking a booking', () => {
	const check = (
		request: Partial<BookingRequest> & { start?: number | null },
		bookings: Booking[] = []
	) => checkBooking(monday, rules, bookings, { ...maintenance, start: at(13), ...request }, now);

	it('books an idle slot at its discount', () => {
		expect(check({})).toEqual({
			ok: true,
			labourMinutes: 60,
			tier: 'idle',
			priceFactorPercent: 90,
			recommended: true,
			overridden: false
		});
	});

	it('adds up the labour of several job types', () => {
		expect(check({ jobTypes: ['maintenance', 'tyres'] })).toMatchObject({
			ok: true,
			labourMinutes: 90
		});
	});

	it.each([
		['before opening', at(8), 'outsideOpeningHours'],
		['at closing', at(17, 30), 'outsideOpeningHours'],
		['with no time', null, 'outsideOpeningHours'],
		['off the 15-minute step', at(8, 40), 'offSlotStep']
	] as const)('refuses a slot %s', (_, start, reason) => {
		expect(check({ start })).toMatchObject({ ok: false, reason, needsOverride: false });
	});

	it('refuses a date in the past and a slot already begun', () => {
		expect(
			checkBooking(
				{ ...monday, date: '2026-11-19' },
				rules,
				[],
				{ ...maintenance, start: at(13) },
				now
			)
		).toMatchObject({ ok: false, reason: 'dateInPast' });
		expect(
			checkBooking(
				{ ...monday, date: '2026-11-20' },
				rules,
				[],
				{ ...maintenance, start: at(9) },
				now
			)
		).toMatchObject({ ok: false, reason: 'slotInPast' });
	});

	it('refuses job types that are unknown or not for a quick appointment, naming the job', () => {
		expect(check({ jobTypes: ['maintenance', 'teleport'] })).toMatchObject({
			ok: false,
			reason: 'unknownJobType',
			jobType: 'teleport'
		});
		expect(check({ jobTypes: ['diagnosis'] })).toMatchObject({
			ok: false,
			reason: 'jobTypeNotQuick',
			jobType: 'diagnosis'
		});
		expect(check({ jobTypes: [] })).toMatchObject({ ok: false, reason: 'noJobs' });
		expect(check({ jobTypes: ['constructor'] })).toMatchObject({
			ok: false,
			reason: 'unknownJobType'
		});
		// booked by an advisor after diagnosis, it is not a quick appointment
		expect(check({ jobTypes: ['diagnosis'], quick: false })).toMatchObject({
			ok: true,
			labourMinutes: 120
		});
	});

	it('refuses a car older than the quick-appointment age limit, to the day', () => {
		expect(check({ vehicleRegisteredOn: '2016-11-23' })).toMatchObject({ ok: true });
		expect(check({ vehicleRegisteredOn: '2015-11-24' })).toMatchObject({ ok: true });
		expect(check({ vehicleRegisteredOn: '2015-11-23' })).toMatchObject({
			ok: false,
			reason: 'vehicleTooOld'
		});
		expect(check({ vehicleRegisteredOn: null })).toMatchObject({ ok: true });
		expect(fullYears('2016-02-29', '2026-02-27')).toBe(9);
	});

	it('needs a director to book a full slot, and records that it was overridden', () => {
		const busyFull = [appointment(at(8, 30))];
		expect(check({ start: at(8, 30) }, busyFull)).toMatchObject({
			ok: false,
			reason: 'slotFull',
			needsOverride: true
		});
		expect(check({ start: at(8, 30), directorOverride: true }, busyFull)).toMatchObject({
			ok: true,
			tier: 'busy',
			priceFactorPercent: 100,
			overridden: true
		});
	});

	it('never books past 80% without the director, and says an override would do', () => {
		const nearlyFull = [appointment(at(11), 3800)];
		expect(check({ jobTypes: ['tyres'] }, nearlyFull)).toMatchObject({ ok: true });
		expect(check({}, nearlyFull)).toMatchObject({
			ok: false,
			reason: 'labourFull',
			needsOverride: true
		});
		expect(check({ directorOverride: true }, nearlyFull)).toMatchObject({
			ok: true,
			overridden: true
		});
	});

	it('takes a walk-in into the held-back capacity, with no slot and at full price', () => {
		const appointmentsFull = [appointment(at(11), 3840)];
		expect(check({ kind: 'walkIn', start: null }, appointmentsFull)).toEqual({
			ok: true,
			labourMinutes: 60,
			tier: null,
			priceFactorPercent: 100,
			recommended: false,
			overridden: false
		});
		// a walk-in is not a quick appointment: the job-type limits do not apply
		expect(check({ kind: 'walkIn', jobTypes: ['diagnosis'] }, appointmentsFull)).toMatchObject({
			ok: true
		});
		const dayFull = [...appointmentsFull, walkIn(960)];
		expect(check({ kind: 'walkIn' }, dayFull)).toMatchObject({
			ok: false,
			reason: 'labourFull',
			needsOverride: true
		});
	});

	it('never lets quotas or the 80% be passed by any sequence of bookings without an override', () => {
		const starts = fc.integer({ min: 0, max: 35 }).map((i) => rules.opensAt + i * 15);
		const requests = fc.array(
			fc.record({
				start: starts,
				jobTypes: fc.subarray(['maintenance', 'tyres', 'brakePads'], { minLength: 1 }),
				walkIn: fc.boolean()
			}),
			{ maxLength: 120 }
		);
		fc.assert(
			fc.property(requests, (asks) => {
				const booked: Booking[] = [];
				for (const ask of asks) {
					const request = {
						kind: ask.walkIn ? 'walkIn' : 'appointment',
						jobTypes: ask.jobTypes,
						start: ask.start
					} as const;
					const result = checkBooking(monday, rules, booked, request, now);
					if (result.ok)
						booked.push({
							kind: request.kind,
							start: ask.walkIn ? null : ask.start,
							labourMinutes: result.labourMinutes
						});
				}
				const labour = dayLabour(monday.technicianMinutes, rules, booked);
				expect(labour.bookedAppointmentMinutes).toBeLessThanOrEqual(labour.appointmentMinutes);
				expect(labour.bookedAppointmentMinutes + labour.bookedHeldBackMinutes).toBeLessThanOrEqual(
					labour.totalMinutes
				);
				for (const slot of availableSlots(monday, rules, booked, maintenance, now).slots) {
					expect(slot.booked).toBeLessThanOrEqual(slot.quota);
				}
			})
		);
	});
});

describe('parts lead time (备货期)', () => {
	const weekdaysOnly = { closedWeekdays: [6, 7] as const, holidays: [], adjustedWorkdays: [] };

	it('proposes the first workday after the last ordered part arrives', () => {
		// ordered Friday with a 3-day lead, open every day: on the shelf Monday, bookable Tuesday
		expect(firstBookableDay([{ inStock: false, leadDays: 3 }], '2026-11-20', OPEN_EVERY_DAY)).toBe(
			'2026-11-24'
		);
		// weekends closed: Wednesday, then Thursday
		expect(
			firstBookableDay(
				[
					{ inStock: false, leadDays: 3 },
					{ inStock: true, leadDays: 9 }
				],
				'2026-11-20',
				weekdaysOnly
			)
		).toBe('2026-11-26');
		expect(firstBookableDay([{ inStock: true, leadDays: 9 }], '2026-11-21', weekdaysOnly)).toBe(
			'2026-11-23'
		);
	});

	it('refuses a day the parts cannot make, and says which day can', () => {
		const parts = [{ partNo: '04152-YZZA1', inStock: false, leadDays: 3 }];
		const refused = checkBooking(monday, rules, [], { ...maintenance, parts, start: at(13) }, now);
		expect(refused).toMatchObject({
			ok: false,
			reason: 'partsNotInTime',
			firstBookableDay: '2026-11-24',
			needsOverride: false
		});
		const tuesday = { ...monday, date: '2026-11-24' };
		expect(
			checkBooking(tuesday, rules, [], { ...maintenance, parts, start: at(13) }, now)
		).toMatchObject({ ok: true });
	});

	it('orders late enough only if the part is on the shelf the workday before the appointment', () => {
		// appointment Thursday 26th, 3-day lead, weekends closed: order by Friday 20th
		expect(latestOrderDay('2026-11-26', 3, weekdaysOnly)).toBe('2026-11-20');
		fc.assert(
			fc.property(
				fc.integer({ min: 0, max: 400 }),
				fc.integer({ min: 0, max: 15 }),
				(offset, lead) => {
					const day = new Date(Date.UTC(2026, 0, 1 + offset)).toISOString().slice(0, 10);
					const orderBy = latestOrderDay(day, lead, weekdaysOnly);
					expect(partsArrivalDay(orderBy, lead, weekdaysOnly)).toBe(
						workdaysBefore(day, 1, weekdaysOnly)
					);
				}
			)
		);
	});
});
