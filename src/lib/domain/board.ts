/**
 * The board's vocabulary, shared by the server and the browser. No I/O here.
 */

/** The seven columns of the physical 维修车辆管理板, in flow order. */
export const COLUMNS = ['prep', 'ready', 'confirmed', 'inBay', 'qc', 'wash', 'handover'] as const;
export type Column = (typeof COLUMNS)[number];

export const STOP_WORK_REASONS = ['parts', 'authorisation', 'labour'] as const;
export type StopWorkReason = (typeof STOP_WORK_REASONS)[number];

export function isColumn(value: unknown): value is Column {
	return typeof value === 'string' && (COLUMNS as readonly string[]).includes(value);
}

/** A card as every screen sees it: one job on the board. Times are ISO 8601 in UTC. */
export interface BoardCard {
	id: number;
	column: Column;
	version: number;
	plate: string;
	/** how the customer is addressed: surname + title, e.g. 王先生 */
	customerName: string;
	model: string;
	/** the appointment time, or the arrival time of a walk-in */
	dueAt: string;
	walkIn: boolean;
	jobSummary: string;
	safety: boolean;
	comeback: boolean;
	complaint: boolean;
	partsWaiting: boolean;
	stopWork: { reason: StopWorkReason; since: string } | null;
	customerWaits: boolean;
	washDeclined: boolean;
	reworkCount: number;
	technician: string | null;
	bay: string | null;
	advisor: string | null;
	columnEnteredAt: string;
	/** the team (班组) the job is dispatched to */
	team: string | null;
	/** this QC round's checks: self-check, team lead, final inspection */
	qc: { self: boolean; lead: boolean; final: boolean };
	/** an extra item (增项) waits for the customer's authorisation */
	authorisationPending: boolean;
	/** when prep becomes overdue (overdue.ts prepDeadline; the badge: prepBadge); null: nothing open */
	prepDueAt: string | null;
	/** escalated from the director's review */
	escalated: boolean;
	/** the director proposes this new day (store-local YYYY-MM-DD) to the advisor */
	rescheduleProposal: string | null;
	/** the customer did not come (爽约): to call and reschedule */
	noShow: boolean;
}
