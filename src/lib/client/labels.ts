import { m } from '$lib/paraglide/messages';
import type { Column, StopWorkReason } from '$lib/domain/board';
import type { MoveRefusal } from '$lib/domain/transitions';
import type { ErrorCode } from '$lib/realtime/contract';

/** The words of the board in the user's language: one place per vocabulary. */

const COLUMN: Record<Column, () => string> = {
	prep: m.column_prep,
	ready: m.column_ready,
	confirmed: m.column_confirmed,
	inBay: m.column_in_bay,
	qc: m.column_qc,
	wash: m.column_wash,
	handover: m.column_handover
};

const STOP_REASON: Record<StopWorkReason, () => string> = {
	parts: m.stop_reason_parts,
	authorisation: m.stop_reason_authorisation,
	labour: m.stop_reason_labour
};

const REFUSAL: Record<MoveRefusal, () => string> = {
	sameColumn: m.refusal_same_column,
	skipsSteps: m.refusal_skips_steps,
	backwards: m.refusal_backwards,
	partsWaiting: m.refusal_parts_waiting,
	stoppedWork: m.refusal_stopped_work,
	washDeclined: m.refusal_wash_declined,
	washNotDeclined: m.refusal_wash_not_declined,
	qcIncomplete: m.refusal_qc_incomplete,
	notForRole: m.refusal_not_for_role
};

/** `busy` is the screen's own: a second move of a card whose first is still unacknowledged. */
const ERROR: Record<ErrorCode | 'busy', () => string> = {
	invalidInput: m.error_invalid_input,
	unauthenticated: m.error_unauthenticated,
	forbidden: m.error_forbidden,
	storeNotFound: m.error_store_not_found,
	cardNotFound: m.error_card_not_found,
	versionConflict: m.error_version_conflict,
	moveRefused: m.error_internal,
	editRefused: m.error_internal,
	rateLimited: m.error_rate_limited,
	unavailable: m.error_unavailable,
	internal: m.error_internal,
	busy: m.error_busy
};

export const columnLabel = (column: Column) => COLUMN[column]();
export const stopReasonLabel = (reason: StopWorkReason) => STOP_REASON[reason]();
export const refusalLabel = (reason: MoveRefusal) => REFUSAL[reason]();

/** What went wrong, from a command error's code (and, for a refused move, the rule's reason). */
export function errorLabel(error: { code: ErrorCode | 'busy'; reason?: MoveRefusal }): string {
	if (error.code === 'moveRefused' && error.reason) return refusalLabel(error.reason);
	return (ERROR[error.code] ?? m.error_internal)();
}
