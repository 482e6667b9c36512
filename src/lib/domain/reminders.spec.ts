import { describe, expect, it } from 'vitest';
import { OPEN_EVERY_DAY, type StoreCalendar } from './calendar';
import {
	confirmationCallDate,
	defaultStoreRules,
	estimatedDailyKm,
	followUpCall,
	nextServiceDue,
	reminderDates,
	workListsFor,
	type ListAppointment,
	type ReminderVehicle
} from './reminders';

const shanghai: StoreCalendar = { timeZone: 'Asia/Shanghai', ...OPEN_EVERY_DAY };
const rules = defaultStoreRules(shanghai);
/** weekends closed, with the 2026 Spring Festival (15–23 Feb) and its two 调休 Saturdays */
const springFestival: StoreCalendar = {
	timeZone: 'Asia/Shanghai',
	closedWeekdays: [6, 7],
	holidays: [
		'2026-02-15',
		'2026-02-16',
		'2026-02-17',
		'2026-02-18',
		'2026-02-19',
		'2026-02-20',
		'2026-02-23'
	],
	adjustedWorkdays: ['2026-02-14', '2026-02-28']
};

describe('next service due', () => {
	it('defaults to 5,000 km or 6 months at 40 km a day: the km come first', () => {
		expect(nextServiceDue({ lastServiceOn: '2026-05-20', lastServiceKm: 30_000 }, rules)).toEqual({
			date: '2026-09-22', // 125 days
			by: 'distance',
			dueKm: 35_000
		});
	});

	it('estimates the daily km from the vehicle’s own reading: a light driver is due by time', () => {
		const history = {
			lastServiceOn: '2026-05-20',
			lastServiceKm: 30_000,
			reading: { on: '2026-07-20', km: 31_220 }
		};
		expect(estimatedDailyKm(history, rules)).toBe(20);
		expect(nextServiceDue(history, rules)).toMatchObject({ date: '2026-11-20', by: 'time' });
	});

	it('counts the km left from the latest reading, rounding the day down', () => {
		const history = {
			lastServiceOn: '2026-05-20',
			lastServiceKm: 30_000,
			reading: { on: '2026-06-19', km: 32_100 }
		};
		// 2,100 km in 30 days: 70 a day; 2,900 km left → 41.4 days → 41
		expect(nextServiceDue(history, rules)).toMatchObject({ date: '2026-07-30', by: 'distance' });
	});

	it('ignores readings too close to the service to tell the driver’s habit', () => {
		const history = {
			lastServiceOn: '2026-05-20',
			lastServiceKm: 30_000,
			reading: { on: '2026-05-25', km: 30_900 }
		};
		expect(estimatedDailyKm(history, rules)).toBe(40);
	});

	it('is due at once when a reading is already past the interval', () => {
		const history = {
			lastServiceOn: '2026-05-20',
			lastServiceKm: 30_000,
			reading: { on: '2026-09-01', km: 35_500 }
		};
		expect(nextServiceDue(history, rules)).toMatchObject({ date: '2026-09-01', by: 'distance' });
	});

	it('holds a month-end service to the end of a shorter month, leap years included', () => {
		const parked = { lastServiceKm: 10_000, dailyKm: 0 };
		expect(nextServiceDue({ ...parked, lastServiceOn: '2025-08-31' }, rules).date).toBe(
			'2026-02-28'
		);
		expect(nextServiceDue({ ...parked, lastServiceOn: '2027-08-31' }, rules).date).toBe(
			'2028-02-29'
		);
	});

	it('follows the store’s own interval', () => {
		const tenThousand = {
			...rules,
			service: { intervalKm: 10_000, intervalMonths: 12, defaultDailyKm: 40 }
		};
		expect(
			nextServiceDue({ lastServiceOn: '2026-01-01', lastServiceKm: 0 }, tenThousand).date
		).toBe('2026-09-08');
	});
});

describe('reminder dates', () => {
	it('messages 13 days and calls 11 days before, the second call before the parts lead time', () => {
		expect(reminderDates('2026-12-01', rules)).toEqual({
			message: '2026-11-18',
			reminderCall: '2026-11-20',
			// parts ordered by 25 Nov arrive on the 30th; the second call is the day before ordering
			secondCall: '2026-11-24'
		});
	});

	it('crosses a year end', () => {
		expect(reminderDates('2027-01-05', rules)).toMatchObject({
			message: '2026-12-23',
			reminderCall: '2026-12-25'
		});
	});

	it('moves a reminder on a closed day to the workday before, never after', () => {
		const weekdaysOnly = defaultStoreRules({
			...springFestival,
			holidays: [],
			adjustedWorkdays: []
		});
		// due Saturday 5 Dec: the message date, Sunday 22 Nov, becomes Friday 20 Nov
		expect(reminderDates('2026-12-05', weekdaysOnly)).toMatchObject({
			message: '2026-11-20',
			reminderCall: '2026-11-24'
		});
	});

	it('lands on the 调休 Saturday before the Spring Festival, and puts the second call after the first', () => {
		const festive = defaultStoreRules(springFestival);
		expect(reminderDates('2026-03-02', festive)).toEqual({
			message: '2026-02-14',
			reminderCall: '2026-02-14',
			// the lead time would want it on 13 Feb, before the first call: first workday after it
			secondCall: '2026-02-24'
		});
	});

	it('calls for confirmation 2 days before the appointment, on the Saturday when Sunday is closed', () => {
		expect(confirmationCallDate('2026-11-26', rules)).toBe('2026-11-24');
		const berlin = defaultStoreRules({
			timeZone: 'Europe/Berlin',
			closedWeekdays: [7],
			holidays: [],
			adjustedWorkdays: []
		});
		expect(confirmationCallDate('2026-03-31', berlin)).toBe('2026-03-28');
	});

	it('follows up from the day after handover, within 3 days', () => {
		expect(followUpCall('2026-11-20', rules)).toEqual({
			date: '2026-11-21',
			deadline: '2026-11-23'
		});
		const weekdaysOnly = defaultStoreRules({
			...springFestival,
			holidays: [],
			adjustedWorkdays: []
		});
		expect(followUpCall('2026-11-20', weekdaysOnly)).toEqual({
			date: '2026-11-23',
			deadline: '2026-11-23'
		});
	});

	it('follows up on the first day back when a long holiday fills the 3 days', () => {
		expect(followUpCall('2026-02-14', defaultStoreRules(springFestival))).toEqual({
			date: '2026-02-24',
			deadline: '2026-02-24'
		});
	});
});

describe('the work lists of a day', () => {
	const today = '2026-11-20';
	const vehicle = (
		vehicleId: number,
		lastServiceOn: string,
		done: ReminderVehicle['done'] = {},
		booked = false
	): ReminderVehicle => ({
		vehicleId,
		// parked cars: due by time exactly 6 months on, so the dates are easy to read
		history: { lastServiceOn, lastServiceKm: 20_000, dailyKm: 0 },
		booked,
		done
	});
	const appointment = (
		appointmentId: number,
		scheduledAt: string,
		status: ListAppointment['status'],
		extra: Partial<ListAppointment> = {}
	): ListAppointment => ({
		appointmentId,
		vehicleId: 100 + appointmentId,
		scheduledAt,
		status,
		done: {},
		...extra
	});
	const vehicles = [
		vehicle(1, '2026-06-03'), // due 3 Dec: message today
		vehicle(2, '2026-06-01'), // due 1 Dec: message was due on the 18th, call today
		vehicle(3, '2026-06-01', { reminderCall: 'no' }),
		vehicle(4, '2026-05-27', { reminderCall: 'undecided' }), // due 27 Nov: second call today
		vehicle(5, '2026-05-27', { reminderCall: 'no' }), // said no: no second call
		vehicle(6, '2026-06-01', {}, true), // already booked
		vehicle(7, '2026-06-01', { messageSentOn: '2026-11-18' }),
		vehicle(8, '2026-05-27', { reminderCall: 'unreached' })
	];
	const appointments = [
		appointment(1, '2026-11-22T02:00:00Z', 'tentative'), // Sunday 10:00: confirm today
		appointment(2, '2026-11-22T02:00:00Z', 'confirmed'),
		appointment(3, '2026-11-21T02:00:00Z', 'tentative'), // should have been confirmed yesterday
		appointment(4, '2026-11-18T01:00:00Z', 'done', { handedOverAt: '2026-11-18T09:00:00Z' }),
		appointment(5, '2026-11-16T01:00:00Z', 'done', { handedOverAt: '2026-11-16T09:00:00Z' }), // window over
		appointment(6, '2026-11-19T01:00:00Z', 'noShow'),
		appointment(7, '2026-11-22T03:00:00Z', 'tentative', { done: { confirmationCall: true } }),
		appointment(8, '2026-11-19T01:00:00Z', 'done', {
			handedOverAt: '2026-11-19T09:00:00Z',
			done: { followUpCall: true }
		})
	];
	const lists = workListsFor(today, { vehicles, appointments }, rules);
	const ids = (list: keyof typeof lists) => lists[list].map((e) => e.appointmentId ?? e.vehicleId);

	it('lists the reminder messages due, with a missed one carried over until the call', () => {
		expect(ids('message')).toEqual([2, 1]);
		expect(lists.message[0]).toMatchObject({
			date: '2026-11-18',
			carriedOver: true,
			about: '2026-12-01'
		});
		expect(lists.message[1]).toMatchObject({ date: today, carriedOver: false });
	});

	it('lists reminder calls, skipping customers already booked or already called', () => {
		expect(ids('reminderCall')).toEqual([2, 7]);
	});

	it('calls the undecided and the unreached a second time, never a customer who said no', () => {
		expect(ids('secondCall')).toEqual([4, 8]);
	});

	it('lists tentative appointments to confirm, including yesterday’s missed call', () => {
		expect(ids('confirmationCall')).toEqual([3, 1]);
		expect(lists.confirmationCall[0]).toMatchObject({ carriedOver: true, deadline: '2026-11-20' });
	});

	it('lists follow-up calls within 3 days of handover, and no-shows to reschedule', () => {
		expect(ids('followUpCall')).toEqual([4]);
		expect(lists.followUpCall[0]).toMatchObject({ about: '2026-11-18', deadline: '2026-11-21' });
		expect(ids('rescheduleCall')).toEqual([6]);
	});

	it('reads the appointment day in the store’s zone', () => {
		// 01:00 on Saturday in Shanghai, still Friday 23:00 in Urumqi
		const lateNight = [appointment(9, '2026-11-20T17:00:00Z', 'tentative')];
		const inShanghai = workListsFor(today, { vehicles: [], appointments: lateNight }, rules);
		expect(inShanghai.confirmationCall.map((e) => e.about)).toEqual(['2026-11-21']);
		const urumqi = defaultStoreRules({ ...shanghai, timeZone: 'Asia/Urumqi' });
		// in Urumqi the appointment is today: too late for a confirmation call
		expect(
			workListsFor(today, { vehicles: [], appointments: lateNight }, urumqi).confirmationCall
		).toEqual([]);
	});

	it('drops an entry after its deadline', () => {
		const later = workListsFor('2026-12-02', { vehicles, appointments: [] }, rules);
		expect(later.reminderCall.map((e) => e.vehicleId)).toEqual([1]);
		expect(later.message).toEqual([]);
	});
});
