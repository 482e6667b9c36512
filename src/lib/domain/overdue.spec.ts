import { describe, expect, it } from 'vitest';
import { OPEN_EVERY_DAY, localDate, type StoreCalendar } from './calendar';
import {
	defaultPrepRules,
	directorChecklist,
	folderCheckDay,
	prepBadge,
	prepDeadline,
	prepFindings,
	reviewPrep,
	type PartLine,
	type PrepCard
} from './overdue';
import { confirmationCallDate, defaultStoreRules } from './reminders';

const shanghai: StoreCalendar = { timeZone: 'Asia/Shanghai', ...OPEN_EVERY_DAY };
const rules = defaultPrepRules(shanghai);
const weekdaysOnly = defaultPrepRules({
	timeZone: 'Asia/Shanghai',
	closedWeekdays: [6, 7],
	holidays: [],
	adjustedWorkdays: []
});
const allDocuments = { workOrder: true, estimate: true, partsSlip: true };

/** Thursday 26 November 2026, 09:30 in Shanghai; the folder check is Tuesday the 24th */
const card = (extra: Partial<PrepCard> = {}): PrepCard => ({
	cardId: 1,
	appointmentAt: '2026-11-26T01:30:00Z',
	column: 'prep',
	documents: allDocuments,
	parts: [],
	owner: '李工',
	...extra
});
const part = (status: PartLine['status'], extra: Partial<PartLine> = {}): PartLine => ({
	partNo: '90915-YZZD4',
	status,
	leadDays: 3,
	...extra
});
const noEstimate = card({ documents: { ...allDocuments, estimate: false } });

describe('the folder check, 2 days before the appointment', () => {
	it('is due all of the check day and overdue from the first instant after it, in the store’s zone', () => {
		// 23:59:59.999 on the 23rd, 00:00 on the 24th, 23:59:59.999 on the 24th, 00:00 on the 25th
		expect(reviewPrep(noEstimate, rules, Date.parse('2026-11-23T15:59:59.999Z')).status).toBe('ok');
		expect(reviewPrep(noEstimate, rules, Date.parse('2026-11-23T16:00:00Z')).status).toBe(
			'dueToday'
		);
		expect(reviewPrep(noEstimate, rules, Date.parse('2026-11-24T15:59:59.999Z')).status).toBe(
			'dueToday'
		);
		const justLate = reviewPrep(noEstimate, rules, Date.parse('2026-11-24T16:00:00Z'));
		expect(justLate.status).toBe('overdue');
		expect(justLate.findings).toEqual([
			{
				rule: 'folder',
				cardId: 1,
				partNo: null,
				document: 'estimate',
				dueDate: '2026-11-24',
				dueAt: '2026-11-24T16:00:00.000Z',
				status: 'overdue',
				lateMinutes: 0,
				lateHours: 0,
				lateDays: 1,
				owner: '李工',
				needsNewTime: false,
				proposedDay: null
			}
		]);
	});

	it('is still due today in Urumqi at the instant it is overdue in Shanghai', () => {
		const urumqi = defaultPrepRules({ ...shanghai, timeZone: 'Asia/Urumqi' });
		const instant = Date.parse('2026-11-24T16:30:00Z');
		expect(reviewPrep(noEstimate, rules, instant)).toMatchObject({
			status: 'overdue',
			lateMinutes: 30
		});
		expect(reviewPrep(noEstimate, urumqi, instant)).toMatchObject({
			status: 'dueToday',
			lateMinutes: 0
		});
	});

	it('moves to Friday when the check day is a closed Saturday', () => {
		const monday = card({
			appointmentAt: '2026-11-30T01:00:00Z',
			documents: { ...allDocuments, workOrder: false }
		});
		const saturdayMorning = Date.parse('2026-11-28T02:00:00Z');
		expect(reviewPrep(monday, weekdaysOnly, saturdayMorning).findings[0]).toMatchObject({
			dueDate: '2026-11-27',
			status: 'overdue',
			lateHours: 10,
			lateDays: 1
		});
	});

	it('falls on the 调休 Saturday before the Spring Festival for an appointment the day after it', () => {
		const festive = defaultPrepRules({
			timeZone: 'Asia/Shanghai',
			closedWeekdays: [6, 7],
			holidays: [
				'2026-02-16',
				'2026-02-17',
				'2026-02-18',
				'2026-02-19',
				'2026-02-20',
				'2026-02-23'
			],
			adjustedWorkdays: ['2026-02-14', '2026-02-28']
		});
		expect(folderCheckDay('2026-02-24', festive)).toBe('2026-02-14');
	});

	it('is the day of the confirmation call, whatever the calendar', () => {
		for (const day of ['2026-11-26', '2026-11-30', '2026-12-01', '2027-01-01', '2028-03-01']) {
			expect(folderCheckDay(day, weekdaysOnly)).toBe(
				confirmationCallDate(day, defaultStoreRules(weekdaysOnly.calendar))
			);
		}
	});

	it('wants every part in the labelled basket, naming the part and its owner', () => {
		const parts = [
			part('picked', { partNo: 'A' }),
			part('reserved', { partNo: 'B', owner: '王师傅' }),
			part('arrived', { partNo: 'C' }),
			part('inStock', { partNo: 'D' })
		];
		const findings = prepFindings(card({ parts }), rules, Date.parse('2026-11-24T02:00:00Z'));
		expect(findings.map((f) => [f.rule, f.partNo, f.owner, f.status])).toEqual([
			['folder', 'B', '王师傅', 'dueToday'],
			['folder', 'C', '李工', 'dueToday'],
			['folder', 'D', '李工', 'dueToday']
		]);
	});

	it('handles a DST day: the 29 March deadline in Berlin ends at 22:00 UTC, not 23:00', () => {
		const berlin = defaultPrepRules({ timeZone: 'Europe/Berlin', ...OPEN_EVERY_DAY });
		const tuesday = card({
			appointmentAt: '2026-03-31T07:00:00Z',
			documents: { ...allDocuments, partsSlip: false },
			parts: [part('picked')]
		});
		expect(reviewPrep(tuesday, berlin, Date.parse('2026-03-29T21:59:00Z')).status).toBe('dueToday');
		expect(reviewPrep(tuesday, berlin, Date.parse('2026-03-29T22:00:00Z')).status).toBe('overdue');
		expect(
			reviewPrep(tuesday, berlin, Date.parse('2026-03-29T23:30:00Z')).findings[0]
		).toMatchObject({
			dueAt: '2026-03-29T22:00:00.000Z',
			lateMinutes: 90,
			lateHours: 1
		});
	});
});

describe('parts and their lead time', () => {
	it('wants a part ordered by the day its lead time still makes the day before the appointment', () => {
		// 3 days' lead: ordered on the 22nd, on the shelf on the 25th
		const toOrder = card({ parts: [part('toOrder')] });
		const at = (iso: string) => prepFindings(toOrder, rules, Date.parse(iso))[0];
		expect(at('2026-11-20T02:00:00Z')).toMatchObject({
			rule: 'partsOrder',
			dueDate: '2026-11-22',
			status: 'upcoming'
		});
		expect(at('2026-11-22T02:00:00Z')).toMatchObject({
			status: 'dueToday',
			needsNewTime: false,
			proposedDay: null
		});
		expect(at('2026-11-23T02:00:00Z')).toMatchObject({
			status: 'overdue',
			lateHours: 10,
			lateDays: 1,
			needsNewTime: true,
			// ordered today (the 23rd) it arrives the 26th: the 27th is the first day it makes
			proposedDay: '2026-11-27'
		});
	});

	it('counts the lead time in workdays over a long holiday, and proposes the day after the parts arrive', () => {
		const festive = defaultPrepRules({
			timeZone: 'Asia/Shanghai',
			closedWeekdays: [6, 7],
			holidays: [
				'2026-02-16',
				'2026-02-17',
				'2026-02-18',
				'2026-02-19',
				'2026-02-20',
				'2026-02-23'
			],
			adjustedWorkdays: ['2026-02-14', '2026-02-28']
		});
		const afterFestival = card({
			appointmentAt: '2026-02-24T01:00:00Z',
			parts: [part('toOrder', { leadDays: 2 })]
		});
		expect(prepFindings(afterFestival, festive, Date.parse('2026-02-13T02:00:00Z'))).toContainEqual(
			expect.objectContaining({
				rule: 'partsOrder',
				dueDate: '2026-02-12',
				status: 'overdue',
				proposedDay: '2026-02-25'
			})
		);
	});

	it('needs a new time as soon as a promised ETA is later than the day before the appointment', () => {
		const late = card({ column: 'ready', parts: [part('ordered', { eta: '2026-11-27' })] });
		const finding = prepFindings(late, rules, Date.parse('2026-11-18T02:00:00Z'))[0];
		expect(finding).toMatchObject({
			rule: 'partsEta',
			dueDate: '2026-11-25',
			status: 'overdue',
			lateDays: 2,
			lateMinutes: 2 * 1440,
			needsNewTime: true,
			proposedDay: '2026-11-28'
		});
	});

	it('accepts an ETA on the day before the appointment, and a part arriving the same day is too late', () => {
		const now = Date.parse('2026-11-18T02:00:00Z');
		expect(
			prepFindings(
				card({ column: 'ready', parts: [part('ordered', { eta: '2026-11-25' })] }),
				rules,
				now
			)
		).toEqual([]);
		expect(
			prepFindings(
				card({ column: 'ready', parts: [part('ordered', { eta: '2026-11-26' })] }),
				rules,
				now
			)[0]
		).toMatchObject({ needsNewTime: true, lateDays: 1 });
	});

	it('wants a promised ETA for an ordered part by the day it had to be ordered', () => {
		const noEta = card({ parts: [part('ordered', { eta: null })] });
		expect(prepFindings(noEta, rules, Date.parse('2026-11-23T02:00:00Z'))[0]).toMatchObject({
			rule: 'partsEta',
			dueDate: '2026-11-22',
			status: 'overdue',
			needsNewTime: false
		});
	});

	it('wants prep started by the store’s usual lead time when no part has been checked', () => {
		const untouched = card({ documents: { workOrder: false, estimate: false, partsSlip: false } });
		const findings = prepFindings(untouched, rules, Date.parse('2026-11-21T02:00:00Z'));
		expect(findings[0]).toMatchObject({
			rule: 'prepStart',
			document: 'partsSlip',
			dueDate: '2026-11-20',
			status: 'overdue',
			lateHours: 10
		});
		expect(findings.slice(1).map((f) => [f.rule, f.document, f.status])).toEqual([
			['folder', 'workOrder', 'upcoming'],
			['folder', 'estimate', 'upcoming'],
			['folder', 'partsSlip', 'upcoming']
		]);
	});
});

describe('which cards the rules look at', () => {
	const now = Date.parse('2026-11-25T02:00:00Z');

	it('checks the folder only in prep: handing it back is what moves a card to ready', () => {
		expect(
			reviewPrep(
				card({
					column: 'ready',
					documents: { workOrder: false, estimate: false, partsSlip: false }
				}),
				rules,
				now
			).status
		).toBe('ok');
	});

	it('leaves a car in the building alone', () => {
		expect(
			prepFindings(
				card({ column: 'inBay', parts: [part('ordered', { eta: '2026-12-30' })] }),
				rules,
				now
			)
		).toEqual([]);
	});
});

describe('the director’s morning checklist', () => {
	const now = Date.parse('2026-11-24T01:00:00Z'); // Tuesday 09:00 in Shanghai
	const cards: PrepCard[] = [
		// folder due today (the 24th): estimate missing, and an upcoming order deadline
		card({ cardId: 1, documents: { ...allDocuments, estimate: false } }),
		// ok: everything ready, appointment next week
		card({ cardId: 2, appointmentAt: '2026-12-01T01:00:00Z' }),
		// folder check was yesterday: 9 hours late
		card({
			cardId: 3,
			appointmentAt: '2026-11-25T01:00:00Z',
			documents: { ...allDocuments, workOrder: false }
		}),
		// a part arriving two days too late for Thursday
		card({
			cardId: 4,
			column: 'confirmed',
			parts: [part('ordered', { eta: '2026-11-27', owner: '配件 赵' })]
		}),
		// due today too, but a later appointment than card 1
		card({
			cardId: 5,
			appointmentAt: '2026-11-26T06:00:00Z',
			documents: { ...allDocuments, partsSlip: false },
			parts: [part('picked'), part('toOrder', { leadDays: 0 })]
		})
	];
	const list = directorChecklist(cards, rules, now);

	it('lists overdue cards first, the latest on top, then what is due today by appointment time', () => {
		expect(list.map((r) => [r.cardId, r.status])).toEqual([
			[4, 'overdue'],
			[3, 'overdue'],
			[1, 'dueToday'],
			[5, 'dueToday']
		]);
		expect(list[1].lateMinutes).toBe(9 * 60);
	});

	it('says what is missing and who owns it, leaving out what is not yet due', () => {
		expect(list[0].findings).toEqual([
			expect.objectContaining({
				rule: 'partsEta',
				partNo: '90915-YZZD4',
				owner: '配件 赵',
				needsNewTime: true
			})
		]);
		expect(
			list.find((r) => r.cardId === 5)!.findings.map((f) => [f.rule, f.document ?? f.partNo])
		).toEqual([['folder', 'partsSlip']]);
		// its same-day part may still be ordered tomorrow: not on today's list
		expect(reviewPrep(cards[4], rules, now).findings.map((f) => f.status)).toEqual([
			'dueToday',
			'upcoming'
		]);
	});
});

describe('the deadline kept with the card, and the badge every screen draws from it', () => {
	// computed when the card was last written (Monday 23rd, 10:00 in Shanghai)
	const written = Date.parse('2026-11-23T02:00:00Z');

	it('agrees with the review at every instant around the check day’s midnights', () => {
		const deadline = prepDeadline(noEstimate, rules, written);
		expect(deadline).toBe('2026-11-24T16:00:00.000Z');
		for (const now of [
			'2026-11-23T15:59:59.999Z',
			'2026-11-23T16:00:00Z',
			'2026-11-24T15:59:59.999Z',
			'2026-11-24T16:00:00Z',
			'2026-11-26T01:00:00Z'
		].map(Date.parse)) {
			const badge = prepBadge({ column: 'prep', prepDueAt: deadline }, now, (at) => localDate(at, 'Asia/Shanghai'));
			const status = reviewPrep(noEstimate, rules, now).status;
			expect(badge ?? 'ok', new Date(now).toISOString()).toBe(status);
		}
	});

	it('is the earliest open deadline: a part to order comes before the folder', () => {
		const late = card({ parts: [part('toOrder', { leadDays: 3 })] });
		const deadline = prepDeadline(late, weekdaysOnly, written)!;
		expect(deadline <= prepDeadline(noEstimate, weekdaysOnly, written)!).toBe(true);
		// ordered by the end of the last workday that still gets it there: Friday 20th is past
		expect(prepBadge({ column: 'prep', prepDueAt: deadline }, written, (at) => localDate(at, 'Asia/Shanghai'))).toBe('overdue');
	});

	it('makes a promised part arriving after the appointment overdue from the moment it is known', () => {
		const tooLate = card({ parts: [part('ordered', { eta: '2026-11-27' })] });
		expect(prepDeadline(tooLate, rules, written)).toBe(new Date(written).toISOString());
	});

	it('is null when nothing is open, and no badge shows past prep', () => {
		expect(prepDeadline(card({ parts: [part('picked')] }), rules, written)).toBeNull();
		expect(prepDeadline(card({ column: 'inBay', documents: { ...allDocuments, estimate: false } }), rules, written)).toBeNull();
		expect(prepBadge({ column: 'inBay', prepDueAt: '2026-11-20T16:00:00.000Z' }, written, (at) => localDate(at, 'Asia/Shanghai'))).toBeNull();
		expect(prepBadge({ column: 'prep', prepDueAt: null }, written, (at) => localDate(at, 'Asia/Shanghai'))).toBeNull();
	});

	it('reads the day in the store’s zone: the same instant is due today in Shanghai, not yet in Urumqi time', () => {
		// deadline: midnight starting the 25th in Shanghai = 22:00 on the 24th at UTC+6
		const deadline = '2026-11-24T16:00:00.000Z';
		const now = Date.parse('2026-11-23T17:00:00Z'); // 01:00 on the 24th in Shanghai, 23:00 on the 23rd at UTC+6
		expect(prepBadge({ column: 'prep', prepDueAt: deadline }, now, (at) => localDate(at, 'Asia/Shanghai'))).toBe('dueToday');
		expect(prepBadge({ column: 'prep', prepDueAt: deadline }, now, (at) => localDate(at, 'Asia/Urumqi'))).toBeNull();
	});
});
