import type { BoardCard } from './board';

/**
 * A card on the wire without the fields at their usual value: most cards are not flagged, not
 * stopped, not dispatched yet, so a 500-card snapshot is mostly `false` and `null`. A screen asks
 * for its snapshots this way (`SyncRequest.sparse`) and fills them in again with `fullCard`: the
 * board's first sync of 500 cards is about half the bytes, and on a cold load every 64 KB of a
 * WebSocket frame waits for a turn of the page's busy main thread.
 *
 * Only the fields named here are ever left out, and only when they hold exactly this value; a
 * field added to BoardCard later is always sent.
 */
export const CARD_DEFAULTS = {
	walkIn: false,
	safety: false,
	comeback: false,
	complaint: false,
	partsWaiting: false,
	stopWork: null,
	customerWaits: false,
	washDeclined: false,
	reworkCount: 0,
	technician: null,
	bay: null,
	advisor: null,
	team: null,
	qc: { self: false, lead: false, final: false },
	authorisationPending: false,
	prepDueAt: null,
	escalated: false,
	rescheduleProposal: null,
	noShow: false
} as const satisfies Partial<BoardCard>;

type Defaulted = keyof typeof CARD_DEFAULTS;

/** A card with the fields at their CARD_DEFAULTS value left out. */
export type SparseCard = Omit<BoardCard, Defaulted> & Partial<Pick<BoardCard, Defaulted>>;

const isDefault = (key: string, value: unknown): boolean => {
	if (!Object.hasOwn(CARD_DEFAULTS, key)) return false;
	if (key === 'qc') {
		const qc = value as BoardCard['qc'];
		return !qc.self && !qc.lead && !qc.final;
	}
	return value === CARD_DEFAULTS[key as Defaulted];
};

/** The card without its fields at their usual value. */
export function sparseCard(card: BoardCard): SparseCard {
	const out: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(card)) if (!isDefault(key, value)) out[key] = value;
	return out as SparseCard;
}

/** The whole card again (a fresh `qc` object each: a screen may keep and compare it). */
export function fullCard(sparse: SparseCard): BoardCard {
	return { ...CARD_DEFAULTS, qc: { ...CARD_DEFAULTS.qc }, ...sparse } as BoardCard;
}
