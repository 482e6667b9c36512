import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';
import type {
	AppointmentChannel,
	Authorisation,
	AuthorisationWay,
	CardEditKind,
	EditRefusal,
	HandoverCheck,
	PartStatus,
	PrepDocument,
	QcStage
} from '$lib/domain/card';
import type { CommandError, ErrorCode } from '$lib/realtime/contract';
import { columnLabel, stopReasonLabel } from './labels';
import { isColumn, type StopWorkReason } from '$lib/domain/board';

/** The card page's words in the user's language (the board's own stay in labels.ts). */

type Words = () => string;

const PART_STATUS: Record<PartStatus, Words> = {
	inStock: m.card_part_status_in_stock,
	reserved: m.card_part_status_reserved,
	picked: m.card_part_status_picked,
	toOrder: m.card_part_status_to_order,
	ordered: m.card_part_status_ordered,
	arrived: m.card_part_status_arrived
};

const QC_STAGE: Record<QcStage, Words> = {
	self: m.card_qc_stage_self,
	lead: m.card_qc_stage_lead,
	final: m.card_qc_stage_final
};

const HANDOVER_CHECK: Record<HandoverCheck, Words> = {
	partsShown: m.card_handover_parts_shown,
	workExplained: m.card_handover_work_explained,
	recommendationsExplained: m.card_handover_recommendations_explained,
	billExplained: m.card_handover_bill_explained,
	vehicleClean: m.card_handover_vehicle_clean,
	keysReturned: m.card_handover_keys_returned
};

const WAY: Record<AuthorisationWay, Words> = {
	phone: m.card_way_phone,
	inPerson: m.card_way_in_person,
	message: m.card_way_message
};

const AUTHORISATION: Record<Authorisation, Words> = {
	notNeeded: m.card_authorisation_not_needed,
	pending: m.card_authorisation_pending,
	approved: m.card_authorisation_approved,
	declined: m.card_authorisation_declined
};

const CHANNEL: Record<AppointmentChannel, Words> = {
	phone: m.card_channel_phone,
	web: m.card_channel_web,
	walkIn: m.card_channel_walk_in,
	reminderCall: m.card_channel_reminder_call
};

const DOCUMENT: Record<PrepDocument, Words> = {
	workOrder: m.card_doc_work_order,
	estimate: m.card_doc_estimate,
	partsSlip: m.card_doc_parts_slip
};

const REFUSAL: Record<EditRefusal, Words> = {
	itemNotFound: m.card_refusal_item_not_found,
	partNotFound: m.card_refusal_part_not_found,
	outOfStock: m.card_refusal_out_of_stock,
	notPending: m.card_refusal_not_pending,
	notInQc: m.card_refusal_not_in_qc,
	qcOutOfOrder: m.card_refusal_qc_out_of_order,
	qcAlreadyPassed: m.card_refusal_qc_already_passed,
	sameChecker: m.card_refusal_same_checker,
	reasonRequired: m.card_refusal_reason_required,
	notInHandover: m.card_refusal_not_in_handover,
	notInPrep: m.card_refusal_not_in_prep,
	handoverIncomplete: m.card_refusal_handover_incomplete,
	authorisedItem: m.card_refusal_authorised_item,
	extraNeedsRepair: m.card_refusal_extra_needs_repair,
	stopWorkPending: m.card_refusal_stop_work_pending,
	unknownTechnician: m.card_refusal_unknown_technician,
	unknownAdvisor: m.card_refusal_unknown_advisor,
	unknownBay: m.card_refusal_unknown_bay,
	plateTaken: m.card_refusal_plate_taken
};

const ERROR: Partial<Record<ErrorCode, Words>> = {
	invalidInput: m.card_error_invalid_input,
	unauthenticated: m.error_unauthenticated,
	forbidden: m.card_error_forbidden,
	storeNotFound: m.error_store_not_found,
	cardNotFound: m.card_error_card_not_found,
	versionConflict: m.card_error_version_conflict,
	rateLimited: m.error_rate_limited,
	unavailable: m.card_error_unavailable,
	internal: m.card_error_internal
};

/** the field's own words, when the schema or the server refuses it */
const FIELD_ERROR: Record<string, Words> = {
	plate: m.card_field_error_plate,
	model: m.card_field_error_model,
	vin: m.card_field_error_vin,
	mileageKm: m.card_field_error_mileageKm,
	name: m.card_field_error_name,
	surname: m.card_field_error_surname,
	title: m.card_field_error_title,
	phone: m.card_field_error_phone,
	team: m.card_field_error_team,
	technicianId: m.card_field_error_technicianId,
	bayId: m.card_field_error_bayId,
	advisorId: m.card_field_error_advisorId,
	description: m.card_field_error_description,
	labourMinutes: m.card_field_error_labourMinutes,
	partNo: m.card_field_error_partNo,
	quantity: m.card_field_error_quantity,
	unitPriceFen: m.card_field_error_unitPriceFen,
	status: m.card_field_error_status,
	eta: m.card_field_error_eta,
	reason: m.card_field_error_reason,
	on: m.card_field_error_on,
	km: m.card_field_error_km,
	checks: m.card_field_error_checks
};

const DONE: Record<CardEditKind, Words> = {
	vehicle: m.card_done_vehicle,
	customer: m.card_done_customer,
	flags: m.card_done_flags,
	assign: m.card_done_assign,
	addItem: m.card_done_add_item,
	updateItem: m.card_done_update_item,
	removeItem: m.card_done_remove_item,
	authorise: m.card_done_authorise,
	addPart: m.card_done_add_part,
	updatePart: m.card_done_update_part,
	removePart: m.card_done_remove_part,
	documents: m.card_done_documents,
	stopWork: m.card_done_stop_work,
	qcCheck: m.card_done_qc_check,
	handoverChecks: m.card_done_handover_checks,
	nextService: m.card_done_next_service,
	completeHandover: m.card_done_complete_handover,
	escalate: m.card_done_escalate,
	proposeReschedule: m.card_done_propose_reschedule
};

/** What a history entry did, by its audit action and (for an edit) its kind. */
const ACTION: Record<string, Words> = {
	'card.create': m.card_history_create,
	'card.move': m.card_history_move,
	'card.archive': m.card_history_archive,
	'card.edit': m.card_history_edit,
	'card.handover': m.card_done_complete_handover
};

/** the words of a field a history entry changed; unknown fields show as they are named */
const FIELD: Record<string, Words> = {
	column: m.card_field_column,
	plate: m.card_field_plate,
	model: m.card_field_model,
	vin: m.card_field_vin,
	mileageKm: m.card_field_mileage,
	name: m.card_field_name,
	surname: m.card_field_surname,
	title: m.card_field_title,
	phone: m.card_field_phone,
	safety: m.flag_safety,
	comeback: m.flag_comeback,
	complaint: m.flag_complaint,
	customerWaits: m.card_field_customer_waits,
	washDeclined: m.card_field_wash_declined,
	team: m.card_field_team,
	technician: m.card_field_technician,
	technicianId: m.card_field_technician,
	bay: m.card_field_bay,
	bayId: m.card_field_bay,
	advisor: m.card_field_advisor,
	advisorId: m.card_field_advisor,
	description: m.card_field_description,
	labourMinutes: m.card_field_labour,
	authorisation: m.card_field_authorisation,
	partNo: m.card_field_part_no,
	quantity: m.card_field_quantity,
	unitPriceFen: m.card_field_unit_price,
	status: m.card_field_part_status,
	eta: m.card_field_eta,
	stopWork: m.stop_work,
	stopWorkReason: m.stop_work,
	workOrder: m.card_doc_work_order,
	estimate: m.card_doc_estimate,
	partsSlip: m.card_doc_parts_slip,
	qcSelf: m.card_qc_stage_self,
	qcLead: m.card_qc_stage_lead,
	qcFinal: m.card_qc_stage_final,
	self: m.card_qc_stage_self,
	lead: m.card_qc_stage_lead,
	final: m.card_qc_stage_final,
	handoverChecks: m.card_field_handover_checks,
	checks: m.card_field_handover_checks,
	nextServiceOn: m.card_field_next_service_on,
	nextServiceKm: m.card_field_next_service_km,
	reworkCount: m.card_field_rework_count,
	partsWaiting: m.flag_parts_waiting,
	authorisationPending: m.card_flag_authorisation_pending,
	handedOverAt: m.card_field_handed_over_at,
	item: m.card_field_description,
	part: m.card_field_part,
	'qc.self': m.card_qc_stage_self,
	'qc.lead': m.card_qc_stage_lead,
	'qc.final': m.card_qc_stage_final,
	escalated: m.card_field_escalated,
	rescheduleProposal: m.card_field_reschedule_proposal,
	note: m.card_field_note
};

export const partStatusLabel = (status: PartStatus) => PART_STATUS[status]();
export const qcStageLabel = (stage: QcStage) => QC_STAGE[stage]();
export const handoverCheckLabel = (check: HandoverCheck) => HANDOVER_CHECK[check]();
export const wayLabel = (way: AuthorisationWay) => WAY[way]();
export const authorisationLabel = (value: Authorisation) => AUTHORISATION[value]();
export const channelLabel = (channel: AppointmentChannel) =>
	(CHANNEL[channel] ?? (() => channel))();
export const documentLabel = (doc: PrepDocument) => DOCUMENT[doc]();
export const refusalLabel = (reason: EditRefusal) =>
	(REFUSAL[reason] ?? m.card_error_internal)();
export const fieldErrorLabel = (field: string) =>
	(FIELD_ERROR[field] ?? m.card_field_error_other)();
export const editDoneLabel = (kind: CardEditKind) => (DONE[kind] ?? m.card_done_other)();
export const historyFieldLabel = (field: string) => FIELD[field]?.() ?? field;

export function historyActionLabel(action: string, kind: string | null): string {
	if ((action === 'card.edit' || action === 'card.handover') && kind && kind in DONE) {
		return DONE[kind as CardEditKind]();
	}
	return ACTION[action]?.() ?? action;
}

/**
 * A list that changed (the handover checks): what was added and what was taken off, instead of
 * the whole list before and after. Null for anything else.
 */
export function historyListChange(
	field: string,
	before: unknown,
	after: unknown
): { added: string[]; removed: string[] } | null {
	if (!Array.isArray(before) || !Array.isArray(after)) return null;
	const label = (v: unknown) => historyValue(field, [v]);
	return {
		added: after.filter((v) => !before.includes(v)).map(label),
		removed: before.filter((v) => !after.includes(v)).map(label)
	};
}

/** A history entry's words: the server's few fixed notes in the user's language, the rest as typed. */
export function historyNote(note: string): string {
	if (note === 'rework') return m.card_history_note_rework();
	if (note === 'extra') return m.card_history_note_extra();
	const followUp = /^followUp (\d{4}-\d{2}-\d{2})$/.exec(note);
	if (followUp) return m.card_history_note_follow_up({ date: followUp[1] });
	// "更换刹车片 · phone": an authorisation, and how it was given
	const way = / · (phone|inPerson|message)$/.exec(note);
	if (way) return `${note.slice(0, way.index)} · ${wayLabel(way[1] as AuthorisationWay)}`;
	return note;
}

/** What went wrong with an edit, in words a user understands (a refusal: the rule's own). */
export function editErrorLabel(error: Pick<CommandError, 'code' | 'editReason'>): string {
	if (error.code === 'editRefused' && error.editReason) return refusalLabel(error.editReason);
	return (ERROR[error.code] ?? m.card_error_internal)();
}

/** A history value as a person reads it: 是/否, a column's name, a stop-work reason, —. */
export function historyValue(field: string, value: unknown): string {
	if (value === null || value === undefined || value === '') return '—';
	if (field.startsWith('qc.') && typeof value === 'boolean') {
		return value ? m.card_qc_passed() : m.card_qc_failed();
	}
	if (typeof value === 'boolean') return value ? m.card_yes() : m.card_no();
	if (field === 'column' && isColumn(value)) return columnLabel(value);
	if ((field === 'stopWork' || field === 'stopWorkReason') && typeof value === 'string') {
		return value in { parts: 1, authorisation: 1, labour: 1 }
			? stopReasonLabel(value as StopWorkReason)
			: value;
	}
	if (field === 'status' && typeof value === 'string' && value in PART_STATUS) {
		return partStatusLabel(value as PartStatus);
	}
	if (field === 'authorisation' && typeof value === 'string' && value in AUTHORISATION) {
		return authorisationLabel(value as Authorisation);
	}
	if (field === 'labourMinutes' && typeof value === 'number') return hours(value);
	if (field === 'item' && typeof value === 'string') {
		// "更换机油 (60 min)" as the server records it
		return value.replace(/\((\d+) min\)$/, (_, minutes) => `（${hours(Number(minutes))}）`);
	}
	if (field === 'part' && typeof value === 'string') {
		// "ABC-1 ×2 toOrder"
		return value.replace(/ (\w+)$/, (whole, status: string) =>
			status in PART_STATUS ? ` ${partStatusLabel(status as PartStatus)}` : whole
		);
	}
	if (field.startsWith('qc.') && typeof value === 'boolean') {
		return value ? m.card_qc_passed() : m.card_qc_failed();
	}
	if (field === 'unitPriceFen' && typeof value === 'number') return money(value);
	if (Array.isArray(value)) {
		return value.length ? value.map((v) => historyFieldLabel(String(v))).join('、') : '—';
	}
	if (typeof value === 'object') {
		const record = value as Record<string, unknown>;
		if (typeof record.reason === 'string') return historyValue('stopWork', record.reason);
		return JSON.stringify(value);
	}
	return String(value);
}

const moneyFormats = new Map<string, Intl.NumberFormat>();

/** ¥1,234.50 from integer fen */
export function money(fen: number): string {
	const locale = getLocale();
	let format = moneyFormats.get(locale);
	if (!format) {
		format = new Intl.NumberFormat(locale, {
			style: 'currency',
			currency: 'CNY',
			currencyDisplay: 'narrowSymbol'
		});
		moneyFormats.set(locale, format);
	}
	return format.format(fen / 100);
}

/** 90 → "1.5 小时" (at most two decimals) */
export const hours = (minutes: number) =>
	m.card_hours({ hours: String(Math.round((minutes / 60) * 100) / 100) });

/** "1.5" → 90; what is not a number stays NaN, so the schema names the field */
export function minutesFromHours(input: string): number {
	const text = input.trim().replace(',', '.');
	if (!/^\d+(\.\d+)?$/.test(text)) return Number.NaN;
	return Math.round(Number(text) * 60);
}

/** "120.5" → 12050 */
export function fenFromYuan(input: string): number {
	const text = input.trim().replace(/^[¥￥]/, '').replace(',', '.');
	if (!/^\d+(\.\d{1,2})?$/.test(text)) return Number.NaN;
	return Math.round(Number(text) * 100);
}

export const yuanFromFen = (fen: number) => (fen % 100 === 0 ? String(fen / 100) : (fen / 100).toFixed(2));

/** "12,345" or "12345" → 12345; anything else NaN */
export function wholeNumber(input: string): number {
	const text = input.trim().replace(/[,\s]/g, '');
	return /^\d+$/.test(text) ? Number(text) : Number.NaN;
}

/**
 * 沪A·12345 in three parts: the CJK font draws the middle dot a full character wide, so screens
 * draw it in a Latin font (as the board's CardFace does).
 */
export function plateParts(plate: string): { head: string; dot: string; tail: string } {
	const dot = plate.search(/[·•・]/);
	return dot < 0
		? { head: plate, dot: '', tail: '' }
		: { head: plate.slice(0, dot), dot: '·', tail: plate.slice(dot + 1) };
}
