import { describe, expect, it } from 'vitest';
import {
	NO_QC,
	authorisationPending,
	estimate,
	handoverMissing,
	labourFen,
	partsWaiting,
	qcCheck,
	stopWorkAfterItems,
	HANDOVER_CHECKS,
	type QcState
} from './card';

describe('the estimate (估算单): computed, in fen, never typed', () => {
	it('prices labour at the store’s hourly rate, rounded to the fen, and parts at quantity × price', () => {
		// 365 元/h: 50 minutes is 304.1666… 元
		expect(labourFen(50, 36_500)).toBe(30_417);
		expect(
			estimate(
				[
					{ labourMinutes: 60, authorisation: 'notNeeded' },
					{ labourMinutes: 50, authorisation: 'approved' }
				],
				[
					{ quantity: 4, unitPriceFen: 78_000 },
					{ quantity: 1, unitPriceFen: 9_000 }
				],
				36_500
			)
		).toEqual({
			labourMinutes: 110,
			labourFen: 66_917,
			partsFen: 321_000,
			totalFen: 387_917,
			pendingFen: 0
		});
	});

	it('keeps an extra item waiting for the customer apart, and leaves out one they declined', () => {
		const result = estimate(
			[
				{ labourMinutes: 60, authorisation: 'notNeeded' },
				{ labourMinutes: 90, authorisation: 'pending' },
				{ labourMinutes: 30, authorisation: 'declined' }
			],
			[],
			30_000
		);
		expect(result).toEqual({
			labourMinutes: 60,
			labourFen: 30_000,
			partsFen: 0,
			totalFen: 30_000,
			pendingFen: 45_000
		});
	});

	it('is zero for an empty work order', () => {
		expect(estimate([], [], 30_000)).toEqual({
			labourMinutes: 0,
			labourFen: 0,
			partsFen: 0,
			totalFen: 0,
			pendingFen: 0
		});
	});
});

describe('what a card derives from its lines', () => {
	it('waits for parts while a line is to order or ordered, not once it is here', () => {
		expect(partsWaiting([{ status: 'reserved' }, { status: 'toOrder' }])).toBe(true);
		expect(partsWaiting([{ status: 'ordered' }])).toBe(true);
		expect(partsWaiting([{ status: 'arrived' }, { status: 'picked' }, { status: 'inStock' }])).toBe(false);
		expect(partsWaiting([])).toBe(false);
	});

	it('waits for the customer while an extra item is pending; that stops the work, and only that stop lifts with it', () => {
		expect(authorisationPending([{ authorisation: 'approved' }, { authorisation: 'pending' }])).toBe(true);
		expect(authorisationPending([{ authorisation: 'declined' }])).toBe(false);
		expect(stopWorkAfterItems(null, true)).toBe('authorisation');
		// a card already stopped for parts stays stopped for parts
		expect(stopWorkAfterItems('parts', true)).toBe('parts');
		expect(stopWorkAfterItems('authorisation', false)).toBeNull();
		expect(stopWorkAfterItems('labour', false)).toBe('labour');
	});
});

describe('QC: 技师自检 → 班组长检验 → 终检', () => {
	const inQc = (qc: QcState = NO_QC, selfBy: number | null = null) => ({ column: 'qc' as const, qc, selfBy });
	const check = (stage: 'self' | 'lead' | 'final', by = 7, passed = true, reason: string | null = null) => ({
		stage,
		passed,
		reason,
		by
	});

	it('passes the three checks in order', () => {
		const self = qcCheck(inQc(), check('self', 7));
		expect(self).toEqual({ ok: true, qc: { self: true, lead: false, final: false }, rework: false });
		const lead = qcCheck(inQc({ self: true, lead: false, final: false }, 7), check('lead', 8));
		expect(lead).toEqual({ ok: true, qc: { self: true, lead: true, final: false }, rework: false });
		const final = qcCheck(inQc({ self: true, lead: true, final: false }, 7), check('final', 9));
		expect(final).toEqual({ ok: true, qc: { self: true, lead: true, final: true }, rework: false });
	});

	it('refuses a check out of order, twice, outside QC, or the lead check by the one who self-checked', () => {
		expect(qcCheck(inQc(), check('lead'))).toEqual({ ok: false, reason: 'qcOutOfOrder' });
		expect(qcCheck(inQc(), check('final'))).toEqual({ ok: false, reason: 'qcOutOfOrder' });
		expect(qcCheck(inQc({ self: true, lead: false, final: false }), check('self'))).toEqual({
			ok: false,
			reason: 'qcAlreadyPassed'
		});
		expect(qcCheck({ column: 'inBay', qc: NO_QC, selfBy: null }, check('self'))).toEqual({
			ok: false,
			reason: 'notInQc'
		});
		expect(qcCheck(inQc({ self: true, lead: false, final: false }, 7), check('lead', 7))).toEqual({
			ok: false,
			reason: 'sameChecker'
		});
	});

	it('sends a failed check back to the bay with its reason, and the round starts again', () => {
		expect(qcCheck(inQc({ self: true, lead: false, final: false }, 7), check('lead', 8, false, '  '))).toEqual({
			ok: false,
			reason: 'reasonRequired'
		});
		expect(
			qcCheck(inQc({ self: true, lead: false, final: false }, 7), check('lead', 8, false, '刹车异响仍在'))
		).toEqual({ ok: true, qc: NO_QC, rework: true });
	});
});

describe('the handover (交车)', () => {
	it('says what is missing: each of the six checks, and the next service date and mileage', () => {
		expect(handoverMissing({ checks: [], nextServiceOn: null, nextServiceKm: null })).toEqual([
			...HANDOVER_CHECKS,
			'nextService'
		]);
		expect(
			handoverMissing({ checks: [...HANDOVER_CHECKS], nextServiceOn: '2027-05-24', nextServiceKm: null })
		).toEqual(['nextService']);
		expect(
			handoverMissing({ checks: [...HANDOVER_CHECKS], nextServiceOn: '2027-05-24', nextServiceKm: 45_000 })
		).toEqual([]);
	});
});
