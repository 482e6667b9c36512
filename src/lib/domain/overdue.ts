/**
 * The prep rules (维修准备, seed 000 二/三, DOMAIN.md "Appointment rules") as deadlines, for the
 * technical director's morning review and the "overdue" badge every screen shows on a card.
 *
 * - Parts to order must be ordered by the last day their lead time (备货期) still gets them on the
 *   shelf before the appointment day — on the last workday before it, since nobody receives parts
 *   on a closed day.
 * - A part already ordered whose promised ETA is later than that needs a new appointment time.
 * - Prep must have started by then too: a card still without a parts slip and without checked
 *   parts lines by the store's usual lead time is late.
 * - The folder (施工单 work order, 估算单 estimate, 零件出库单 parts slip, and every part in the
 *   labelled basket) must be complete on the folder-check day: 2 calendar days before the
 *   appointment, moved to the workday before when closed — the day of the confirmation call, which
 *   the seed makes right after this check (so it equals `confirmationCallDate` in reminders.ts).
 *
 * A deadline "on day D" means by the end of D in the store's zone: on D it is due today, from the
 * first instant of the next day it is overdue. Pure: `now` is a parameter.
 */
import type { Column } from './board';
import { PREP_COLUMNS } from './prepBadge';

export { PREP_COLUMNS, prepBadge } from './prepBadge';
import {
	addDays,
	daysBetween,
	endOfDay,
	localDate,
	workdayOnOrAfter,
	workdayOnOrBefore,
	workdaysBefore,
	type DateKey,
	type StoreCalendar,
	type WorkCalendar
} from './calendar';
import { firstBookableDay, latestOrderDay } from './capacity';

export const PREP_DOCUMENTS = ['workOrder', 'estimate', 'partsSlip'] as const;
/** 施工单, 估算单, 零件出库单 */
export type PrepDocument = (typeof PREP_DOCUMENTS)[number];

export const PART_STATUSES = [
	'inStock',
	'reserved',
	'picked',
	'toOrder',
	'ordered',
	'arrived'
] as const;
export type PartStatus = (typeof PART_STATUSES)[number];

export interface PartLine {
	partNo: string;
	name?: string;
	status: PartStatus;
	/** the parts counter's lead time for this part, in workdays */
	leadDays: number;
	/** promised arrival day of an ordered part */
	eta?: DateKey | null;
	/** who chases it, when not the card's owner */
	owner?: string | null;
}

/** What the rules read of a card. */
export interface PrepCard {
	cardId: number;
	/** ISO instant, Date or epoch ms */
	appointmentAt: string | Date | number;
	column: Column;
	documents: Readonly<Record<PrepDocument, boolean>>;
	parts: readonly PartLine[];
	/** who answers for the card's prep (the advisor or the technician, as the screens name them) */
	owner: string | null;
}

export interface PrepRules {
	calendar: StoreCalendar;
	/** the folder check: this many calendar days before the appointment day */
	folderDaysBefore: number;
	/** the store's usual lead time, for a card whose parts are not even known yet */
	partsLeadDays: number;
}

export function defaultPrepRules(calendar: StoreCalendar): PrepRules {
	return { calendar, folderDaysBefore: 2, partsLeadDays: 5 };
}

export type PrepRule = 'partsOrder' | 'partsEta' | 'prepStart' | 'folder';
export type FindingStatus = 'overdue' | 'dueToday' | 'upcoming';
export type CardPrepStatus = 'overdue' | 'dueToday' | 'ok';

export interface PrepFinding {
	rule: PrepRule;
	cardId: number;
	/** the part concerned, for parts rules and a part not yet in the basket */
	partNo: string | null;
	/** the document missing, for the folder rule */
	document: PrepDocument | null;
	dueDate: DateKey;
	/** ISO instant: the end of the due date in the store's zone */
	dueAt: string;
	status: FindingStatus;
	/** how late, 0 unless overdue; for a part arriving too late, how late it will arrive */
	lateMinutes: number;
	lateHours: number;
	/** store-local days past the due date (1 on the day after it) */
	lateDays: number;
	owner: string | null;
	/** the appointment cannot be kept: offer the customer a new time */
	needsNewTime: boolean;
	/** for `needsNewTime`: the first day the parts can be there for */
	proposedDay: DateKey | null;
}

export interface CardPrepReview {
	cardId: number;
	appointmentDay: DateKey;
	status: CardPrepStatus;
	/** the worst lateness of the card, minutes */
	lateMinutes: number;
	findings: PrepFinding[];
}

/** The workday a part must be on the shelf by: the last one before the appointment day. */
export function partsNeededBy(appointmentDay: DateKey, calendar: WorkCalendar): DateKey {
	return workdaysBefore(appointmentDay, 1, calendar);
}

/** The day every folder of an appointment is checked (and the customer called to confirm). */
export function folderCheckDay(appointmentDay: DateKey, rules: PrepRules): DateKey {
	return workdayOnOrBefore(addDays(appointmentDay, -rules.folderDaysBefore), rules.calendar);
}


const NOT_IN_BASKET: readonly PartStatus[] = ['inStock', 'reserved', 'arrived'];
const MS_PER_MINUTE = 60_000;
const toMs = (value: string | Date | number) =>
	typeof value === 'string'
		? Date.parse(value)
		: typeof value === 'number'
			? value
			: value.getTime();

/** Every open prep deadline of a card, met or not yet, with its status at `now`. */
export function prepFindings(card: PrepCard, rules: PrepRules, now: Date | number): PrepFinding[] {
	// once the car is in the building, prep is history
	if (!PREP_COLUMNS.includes(card.column)) return [];
	const { calendar } = rules;
	const zone = calendar.timeZone;
	const nowMs = toMs(now);
	const today = localDate(nowMs, zone);
	const appointmentDay = localDate(toMs(card.appointmentAt), zone);
	const neededBy = partsNeededBy(appointmentDay, calendar);
	const findings: PrepFinding[] = [];

	const add = (
		rule: PrepRule,
		dueDate: DateKey,
		what: { partNo?: string; document?: PrepDocument; owner?: string | null },
		newTime?: { eta?: DateKey; proposedDay: DateKey }
	) => {
		const dueAt = endOfDay(dueDate, zone).getTime();
		let lateMinutes = Math.max(0, Math.floor((nowMs - dueAt) / MS_PER_MINUTE));
		let lateDays = nowMs >= dueAt ? daysBetween(dueDate, today) : 0;
		const eta = newTime?.eta;
		if (eta) {
			// the part will arrive this much after the day it is needed by
			const forecast = Math.round((endOfDay(eta, zone).getTime() - dueAt) / MS_PER_MINUTE);
			lateMinutes = Math.max(lateMinutes, forecast);
			lateDays = Math.max(lateDays, daysBetween(dueDate, eta));
		}
		// a promised arrival too late is a problem the moment it is known, whatever the date
		const status: FindingStatus =
			eta || nowMs >= dueAt ? 'overdue' : today === dueDate ? 'dueToday' : 'upcoming';
		const needsNewTime = newTime !== undefined && status === 'overdue';
		findings.push({
			rule,
			cardId: card.cardId,
			partNo: what.partNo ?? null,
			document: what.document ?? null,
			dueDate,
			dueAt: new Date(dueAt).toISOString(),
			status,
			lateMinutes,
			lateHours: Math.floor(lateMinutes / 60),
			lateDays,
			owner: what.owner ?? card.owner,
			needsNewTime,
			proposedDay: needsNewTime ? newTime.proposedDay : null
		});
	};

	for (const part of card.parts) {
		const who = { partNo: part.partNo, owner: part.owner ?? card.owner };
		if (part.status === 'toOrder') {
			// once too late to order for this appointment: the first day it makes if ordered today
			const proposedDay = firstBookableDay(
				[{ inStock: false, leadDays: part.leadDays }],
				today,
				calendar
			);
			add('partsOrder', latestOrderDay(appointmentDay, part.leadDays, calendar), who, {
				proposedDay
			});
		} else if (part.status === 'ordered') {
			if (part.eta == null) {
				// the counter owes a promised date by the day the part had to be ordered
				add('partsEta', latestOrderDay(appointmentDay, part.leadDays, calendar), who);
			} else if (part.eta > neededBy) {
				const proposedDay = workdayOnOrAfter(addDays(part.eta, 1), calendar);
				add('partsEta', neededBy, who, { eta: part.eta, proposedDay });
			}
		}
	}

	if (card.column === 'prep') {
		if (card.parts.length === 0 && !card.documents.partsSlip) {
			add('prepStart', latestOrderDay(appointmentDay, rules.partsLeadDays, calendar), {
				document: 'partsSlip'
			});
		}
		const checkDay = folderCheckDay(appointmentDay, rules);
		for (const document of PREP_DOCUMENTS) {
			if (!card.documents[document]) add('folder', checkDay, { document });
		}
		for (const part of card.parts) {
			if (NOT_IN_BASKET.includes(part.status)) {
				add('folder', checkDay, { partNo: part.partNo, owner: part.owner ?? card.owner });
			}
		}
	}
	return findings.sort(compareFindings);
}

const STATUS_ORDER: Record<FindingStatus, number> = { overdue: 0, dueToday: 1, upcoming: 2 };

function compareFindings(a: PrepFinding, b: PrepFinding): number {
	return (
		STATUS_ORDER[a.status] - STATUS_ORDER[b.status] ||
		b.lateMinutes - a.lateMinutes ||
		(a.dueAt < b.dueAt ? -1 : a.dueAt > b.dueAt ? 1 : 0)
	);
}

/** A card's prep at `now`: its status (the badge) and its findings, worst first. */
export function reviewPrep(card: PrepCard, rules: PrepRules, now: Date | number): CardPrepReview {
	const findings = prepFindings(card, rules, now);
	const status: CardPrepStatus = findings.some((f) => f.status === 'overdue')
		? 'overdue'
		: findings.some((f) => f.status === 'dueToday')
			? 'dueToday'
			: 'ok';
	return {
		cardId: card.cardId,
		appointmentDay: localDate(toMs(card.appointmentAt), rules.calendar.timeZone),
		status,
		lateMinutes: findings.reduce((worst, f) => Math.max(worst, f.lateMinutes), 0),
		findings
	};
}

/**
 * The director's morning checklist: every card whose prep is overdue or due today, the latest
 * first, each with only what is overdue or due today; then the earlier appointment, then the card.
 */
export function directorChecklist(
	cards: readonly PrepCard[],
	rules: PrepRules,
	now: Date | number
): CardPrepReview[] {
	const appointmentAt = new Map(cards.map((c) => [c.cardId, toMs(c.appointmentAt)]));
	return cards
		.map((card) => reviewPrep(card, rules, now))
		.filter((review) => review.status !== 'ok')
		.map((review) => ({
			...review,
			findings: review.findings.filter((f) => f.status !== 'upcoming')
		}))
		.sort(
			(a, b) =>
				(a.status === b.status ? 0 : a.status === 'overdue' ? -1 : 1) ||
				b.lateMinutes - a.lateMinutes ||
				appointmentAt.get(a.cardId)! - appointmentAt.get(b.cardId)! ||
				a.cardId - b.cardId
		);
}

/**
 * The instant a card's prep becomes overdue, as the write paths keep it with the card
 * (`cards.prep_due_at`, BoardCard.prepDueAt): the earliest deadline among its open findings; a
 * promised part arriving too late is overdue from `now`, the moment it is known. Null: nothing is
 * open (or the car is past prep). It changes only when the card's parts, documents, appointment or
 * column change — each of which is a write that recomputes it — or when the store's calendar does.
 */
export function prepDeadline(card: PrepCard, rules: PrepRules, now: Date | number): string | null {
	let earliest: string | null = null;
	for (const finding of prepFindings(card, rules, now)) {
		const at =
			finding.rule === 'partsEta' && finding.needsNewTime
				? new Date(toMs(now)).toISOString()
				: finding.dueAt;
		if (earliest === null || at < earliest) earliest = at;
	}
	return earliest;
}
