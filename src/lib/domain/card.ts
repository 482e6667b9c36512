/**
 * The card as the whole job (issue #5): the work order (施工单) and its job items, the estimate
 * (估算单), the parts issue slip (零件出库单), dispatch, stop-work (停工), the three QC checks and
 * the handover. Types shared by the server and the card page, and the pure rules of each edit.
 * Money is integer fen, labour is minutes; totals are always computed here, never typed.
 */
import type { BoardCard, StopWorkReason } from './board';
import type { DateKey } from './calendar';
import { PART_STATUSES, PREP_DOCUMENTS, type PartStatus, type PrepDocument } from './overdue';

export { PART_STATUSES, PREP_DOCUMENTS, type PartStatus, type PrepDocument };

/** 技师自检 → 班组长检验 → 终检 (100% final inspection), in this order */
export const QC_STAGES = ['self', 'lead', 'final'] as const;
export type QcStage = (typeof QC_STAGES)[number];
export type QcState = Record<QcStage, boolean>;

/** the advisor's internal check before the customer comes (seed 004, 交车) */
export const HANDOVER_CHECKS = [
	'partsShown',
	'workExplained',
	'recommendationsExplained',
	'billExplained',
	'vehicleClean',
	'keysReturned'
] as const;
export type HandoverCheck = (typeof HANDOVER_CHECKS)[number];

/** how the customer authorised (or declined) extra work found during repair (增项) */
export const AUTHORISATION_WAYS = ['phone', 'inPerson', 'message'] as const;
export type AuthorisationWay = (typeof AUTHORISATION_WAYS)[number];

export const AUTHORISATIONS = ['notNeeded', 'pending', 'approved', 'declined'] as const;
export type Authorisation = (typeof AUTHORISATIONS)[number];

export const APPOINTMENT_CHANNELS = ['phone', 'web', 'walkIn', 'reminderCall'] as const;
export type AppointmentChannel = (typeof APPOINTMENT_CHANNELS)[number];

/** A parts line counts as "waiting" until it is on the shelf for this car. */
export const WAITING_PART_STATUSES: readonly PartStatus[] = ['toOrder', 'ordered'];

/** the follow-up call (回访) after handover is due within this many days */
export const FOLLOW_UP_DAYS = 3;

export interface JobItem {
	id: number;
	description: string;
	labourMinutes: number;
	/** computed: minutes × the store's hourly labour rate */
	labourFen: number;
	/** found during repair (增项): needs the customer's word before work goes on */
	extra: boolean;
	authorisation: Authorisation;
	/** who recorded the customer's decision, how, when */
	authorisedBy: string | null;
	authorisedVia: AuthorisationWay | null;
	authorisedAt: string | null;
}

export interface PartLineDetail {
	id: number;
	partNo: string;
	name: string;
	quantity: number;
	unitPriceFen: number;
	/** computed: quantity × unit price */
	amountFen: number;
	status: PartStatus;
	/** promised arrival day of an ordered part (store-local) */
	eta: DateKey | null;
	/** the parts counter's lead time, workdays */
	leadDays: number;
}

export interface Estimate {
	labourMinutes: number;
	labourFen: number;
	partsFen: number;
	totalFen: number;
	/** extra items still waiting for the customer: not in the total until approved */
	pendingFen: number;
}

export interface QcRecord {
	stage: QcStage;
	passed: boolean;
	reason: string | null;
	actor: string;
	at: string;
}

export interface CardHistoryEntry {
	at: string;
	actor: string;
	/** audit action: card.move, card.create, card.edit, ... */
	action: string;
	/** the edit's kind for card.edit, e.g. 'stopWork' */
	kind: string | null;
	/** what changed: field → [before, after] */
	changes: Record<string, [unknown, unknown]>;
	/** free words of the change (a QC failure's reason, the part concerned) */
	note: string | null;
}

export interface CardDetail {
	card: BoardCard;
	labourRateFen: number;
	customer: { id: number; name: string; surname: string; title: '先生' | '女士' | ''; phone: string };
	vehicle: {
		id: number;
		plate: string;
		model: string;
		vin: string | null;
		mileageKm: number;
		registeredOn: DateKey | null;
	};
	appointment: {
		id: number;
		scheduledAt: string;
		channel: AppointmentChannel;
		status: string;
	} | null;
	assignment: {
		team: string | null;
		technicianId: number | null;
		bayId: number | null;
		advisorId: number | null;
	};
	items: JobItem[];
	parts: PartLineDetail[];
	estimate: Estimate;
	documents: Record<PrepDocument, boolean>;
	qc: QcState;
	qcHistory: QcRecord[];
	handover: {
		checks: HandoverCheck[];
		nextServiceOn: DateKey | null;
		nextServiceKm: number | null;
		handedOverAt: string | null;
	};
	history: CardHistoryEntry[];
	/** who and where can be picked in this store */
	options: {
		technicians: { id: number; name: string; team: string | null }[];
		advisors: { id: number; name: string }[];
		bays: { id: number; name: string }[];
	};
}

/** Every change a screen can make to a card, besides moving it. */
export type CardEdit =
	| { kind: 'vehicle'; plate: string; model: string; vin: string | null; mileageKm: number }
	| { kind: 'customer'; name: string; surname: string; title: '先生' | '女士' | ''; phone: string }
	| {
			kind: 'flags';
			safety: boolean;
			comeback: boolean;
			complaint: boolean;
			customerWaits: boolean;
			washDeclined: boolean;
	  }
	| {
			kind: 'assign';
			team: string | null;
			technicianId: number | null;
			bayId: number | null;
			advisorId: number | null;
	  }
	| { kind: 'addItem'; description: string; labourMinutes: number; extra: boolean }
	| { kind: 'updateItem'; itemId: number; description: string; labourMinutes: number }
	| { kind: 'removeItem'; itemId: number }
	| { kind: 'authorise'; itemId: number; decision: 'approved' | 'declined'; via: AuthorisationWay }
	| {
			kind: 'addPart';
			partNo: string;
			name: string;
			quantity: number;
			unitPriceFen: number;
			status: PartStatus;
			eta: DateKey | null;
	  }
	| {
			kind: 'updatePart';
			partId: number;
			quantity: number;
			unitPriceFen: number;
			status: PartStatus;
			eta: DateKey | null;
	  }
	| { kind: 'removePart'; partId: number }
	| { kind: 'documents'; documents: Record<PrepDocument, boolean> }
	| { kind: 'stopWork'; reason: StopWorkReason | null }
	| { kind: 'qcCheck'; stage: QcStage; passed: boolean; reason: string | null }
	| { kind: 'handoverChecks'; checks: HandoverCheck[] }
	| { kind: 'nextService'; on: DateKey; km: number }
	| { kind: 'completeHandover' }
	/** from the director's review (or an advisor whose folder is late): raise it, or clear it */
	| { kind: 'escalate'; escalated: boolean; note: string | null }
	/** the director proposes a new day to the advisor (null: withdraw the proposal) */
	| { kind: 'proposeReschedule'; day: DateKey | null; note: string | null };

export type CardEditKind = CardEdit['kind'];

/** Why an edit is refused by the rules (input errors are `invalidInput` with the field instead). */
export type EditRefusal =
	| 'itemNotFound'
	| 'partNotFound'
	| 'outOfStock'
	| 'notPending'
	| 'notInQc'
	| 'qcOutOfOrder'
	| 'qcAlreadyPassed'
	| 'sameChecker'
	| 'reasonRequired'
	| 'notInHandover'
	| 'notInPrep'
	| 'handoverIncomplete'
	| 'authorisedItem'
	| 'extraNeedsRepair'
	| 'stopWorkPending'
	| 'unknownTechnician'
	| 'unknownAdvisor'
	| 'unknownBay'
	| 'plateTaken';

/** minutes × hourly rate, rounded to the fen */
export const labourFen = (minutes: number, rateFenPerHour: number) =>
	Math.round((minutes * rateFenPerHour) / 60);

/**
 * The estimate (估算单), computed: labour of the items the customer has not declined, parts of
 * every line. Extra items still pending are shown apart, not in the total.
 */
export function estimate(
	items: readonly Pick<JobItem, 'labourMinutes' | 'authorisation'>[],
	parts: readonly Pick<PartLineDetail, 'quantity' | 'unitPriceFen'>[],
	rateFenPerHour: number
): Estimate {
	let labourMinutes = 0;
	let pendingMinutes = 0;
	for (const item of items) {
		if (item.authorisation === 'declined') continue;
		if (item.authorisation === 'pending') pendingMinutes += item.labourMinutes;
		else labourMinutes += item.labourMinutes;
	}
	const labour = labourFen(labourMinutes, rateFenPerHour);
	const partsFen = parts.reduce((sum, line) => sum + line.quantity * line.unitPriceFen, 0);
	return {
		labourMinutes,
		labourFen: labour,
		partsFen,
		totalFen: labour + partsFen,
		pendingFen: labourFen(pendingMinutes, rateFenPerHour)
	};
}

/** A card waits for parts while any line is still to order or ordered and not yet here. */
export const partsWaiting = (parts: readonly Pick<PartLineDetail, 'status'>[]) =>
	parts.some((line) => WAITING_PART_STATUSES.includes(line.status));

/** A card waits for the customer while an extra item is pending authorisation. */
export const authorisationPending = (items: readonly Pick<JobItem, 'authorisation'>[]) =>
	items.some((item) => item.authorisation === 'pending');

export const NO_QC: QcState = { self: false, lead: false, final: false };

export const qcComplete = (qc: QcState) => qc.self && qc.lead && qc.final;

export type QcOutcome =
	| { ok: true; qc: QcState; rework: false }
	/** a failed check: back to "in bay" with the reason, the round starts again */
	| { ok: true; qc: QcState; rework: true }
	| { ok: false; reason: EditRefusal };

/**
 * One QC check on a card in QC: the stages go in order; the team lead may not check what they
 * self-checked (`selfBy`); a failure needs a reason and sends the card back to "in bay".
 */
export function qcCheck(
	state: { column: BoardCard['column']; qc: QcState; selfBy: number | null },
	check: { stage: QcStage; passed: boolean; reason: string | null; by: number | null }
): QcOutcome {
	if (state.column !== 'qc') return { ok: false, reason: 'notInQc' };
	if (state.qc[check.stage]) return { ok: false, reason: 'qcAlreadyPassed' };
	const index = QC_STAGES.indexOf(check.stage);
	if (QC_STAGES.slice(0, index).some((stage) => !state.qc[stage])) {
		return { ok: false, reason: 'qcOutOfOrder' };
	}
	if (check.stage === 'lead' && check.by !== null && check.by === state.selfBy) {
		return { ok: false, reason: 'sameChecker' };
	}
	if (!check.passed) {
		if (!check.reason?.trim()) return { ok: false, reason: 'reasonRequired' };
		return { ok: true, qc: { ...NO_QC }, rework: true };
	}
	return { ok: true, qc: { ...state.qc, [check.stage]: true }, rework: false };
}

/** What still stands between a card in handover and the customer driving off. */
export function handoverMissing(handover: {
	checks: readonly HandoverCheck[];
	nextServiceOn: DateKey | null;
	nextServiceKm: number | null;
}): (HandoverCheck | 'nextService')[] {
	const missing: (HandoverCheck | 'nextService')[] = HANDOVER_CHECKS.filter(
		(check) => !handover.checks.includes(check)
	);
	if (handover.nextServiceOn === null || handover.nextServiceKm === null) missing.push('nextService');
	return missing;
}

/** The stop-work a card should show after its extra items changed: authorisation stops it. */
export function stopWorkAfterItems(
	current: StopWorkReason | null,
	pending: boolean
): StopWorkReason | null {
	if (pending) return current ?? 'authorisation';
	return current === 'authorisation' ? null : current;
}

/** Which section of the card an edit belongs to: what permissions.ts grants per role. */
export const EDIT_SECTIONS = {
	vehicle: 'customer',
	customer: 'customer',
	flags: 'job',
	assign: 'dispatch',
	addItem: 'job',
	updateItem: 'job',
	removeItem: 'job',
	authorise: 'authorise',
	addPart: 'parts',
	updatePart: 'parts',
	removePart: 'parts',
	documents: 'job',
	stopWork: 'stopWork',
	qcCheck: 'qc',
	handoverChecks: 'handover',
	nextService: 'handover',
	completeHandover: 'handover',
	escalate: 'review',
	proposeReschedule: 'review'
} as const satisfies Record<CardEditKind, string>;
export type EditSection = (typeof EDIT_SECTIONS)[CardEditKind];
