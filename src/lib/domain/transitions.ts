import { COLUMNS, type BoardCard, type Column } from './board';

/** Why a move is refused; each code has a message in both languages (messages/*.json). */
export type MoveRefusal =
	| 'sameColumn'
	| 'skipsSteps'
	| 'backwards'
	| 'partsWaiting'
	| 'stoppedWork'
	| 'washDeclined'
	| 'washNotDeclined'
	/** a card leaves QC forward only with all three checks passed (self, team lead, final) */
	| 'qcIncomplete'
	/** the rules allow it, but not to this user's role (the screen's own check, see permissions.ts) */
	| 'notForRole';

type MovableCard = Pick<BoardCard, 'column' | 'partsWaiting' | 'stopWork' | 'washDeclined' | 'qc'>;

/** The moves the flow knows, from → to. Anything else skips steps or goes backwards. */
const FORWARD: Record<Column, Column[]> = {
	prep: ['ready'],
	ready: ['confirmed'],
	// a customer may arrive before the confirmation call reached them
	confirmed: ['inBay'],
	inBay: ['qc'],
	qc: ['wash', 'handover'],
	wash: ['handover'],
	handover: []
};

/** Steps back the workshop really takes: prep undone, confirmation withdrawn, QC rework. */
const BACK: Partial<Record<Column, Column[]>> = {
	ready: ['prep'],
	confirmed: ['ready'],
	qc: ['inBay']
};

export type MoveCheck = { ok: true; rework: boolean } | { ok: false; reason: MoveRefusal };

/** Whether a card may move to `to`, and why not. Pure: the server and the browser both use it. */
export function checkMove(card: MovableCard, to: Column): MoveCheck {
	const from = card.column;
	if (from === to) return { ok: false, reason: 'sameColumn' };
	if (BACK[from]?.includes(to)) return { ok: true, rework: from === 'qc' && to === 'inBay' };
	if (!FORWARD[from].includes(to)) {
		const backwards = COLUMNS.indexOf(to) < COLUMNS.indexOf(from);
		return { ok: false, reason: backwards ? 'backwards' : 'skipsSteps' };
	}
	if (to === 'ready' && card.partsWaiting) return { ok: false, reason: 'partsWaiting' };
	if (to === 'qc' && card.stopWork) return { ok: false, reason: 'stoppedWork' };
	if (from === 'qc' && !(card.qc.self && card.qc.lead && card.qc.final)) {
		return { ok: false, reason: 'qcIncomplete' };
	}
	if (to === 'wash' && card.washDeclined) return { ok: false, reason: 'washDeclined' };
	if (from === 'qc' && to === 'handover' && !card.washDeclined) {
		return { ok: false, reason: 'washNotDeclined' };
	}
	return { ok: true, rework: false };
}
