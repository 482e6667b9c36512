import { describe, expect, it } from 'vitest';
import { COLUMNS, type Column } from './board';
import { checkMove } from './transitions';

const card = (column: Column, extra: Partial<Parameters<typeof checkMove>[0]> = {}) => ({
	column,
	partsWaiting: false,
	stopWork: null,
	washDeclined: false,
	// QC passed: the tests of QC's own rule say otherwise
	qc: { self: true, lead: true, final: true },
	...extra
});

describe('moves along the flow', () => {
	it.each([
		['prep', 'ready'],
		['ready', 'confirmed'],
		['confirmed', 'inBay'],
		['inBay', 'qc'],
		['qc', 'wash'],
		['wash', 'handover']
	] as const)('allows %s → %s', (from, to) => {
		expect(checkMove(card(from), to)).toEqual({ ok: true, rework: false });
	});

	it('sends a card back from QC to the bay as rework', () => {
		expect(checkMove(card('qc'), 'inBay')).toEqual({ ok: true, rework: true });
	});

	it('lets prep and confirmation be undone one step', () => {
		expect(checkMove(card('ready'), 'prep')).toEqual({ ok: true, rework: false });
		expect(checkMove(card('confirmed'), 'ready')).toEqual({ ok: true, rework: false });
	});

	it('refuses skipping steps forward and jumping back', () => {
		expect(checkMove(card('prep'), 'handover')).toEqual({ ok: false, reason: 'skipsSteps' });
		expect(checkMove(card('handover'), 'prep')).toEqual({ ok: false, reason: 'backwards' });
		expect(checkMove(card('inBay'), 'confirmed')).toEqual({ ok: false, reason: 'backwards' });
	});

	it('refuses a move to the column the card is in', () => {
		for (const column of COLUMNS) {
			expect(checkMove(card(column), column)).toEqual({ ok: false, reason: 'sameColumn' });
		}
	});

	it('keeps a card out of "ready" while its parts are still waiting', () => {
		expect(checkMove(card('prep', { partsWaiting: true }), 'ready')).toEqual({
			ok: false,
			reason: 'partsWaiting'
		});
	});

	it('keeps a stopped card out of QC', () => {
		const stopped = card('inBay', { stopWork: { reason: 'parts', since: '2026-11-23T01:00:00.000Z' } });
		expect(checkMove(stopped, 'qc')).toEqual({ ok: false, reason: 'stoppedWork' });
	});

	it('skips the wash when the customer declined it, and only then', () => {
		expect(checkMove(card('qc', { washDeclined: true }), 'wash')).toEqual({ ok: false, reason: 'washDeclined' });
		expect(checkMove(card('qc', { washDeclined: true }), 'handover')).toEqual({ ok: true, rework: false });
		expect(checkMove(card('qc'), 'handover')).toEqual({ ok: false, reason: 'washNotDeclined' });
	});

	it('keeps a card in QC until self-check, team-lead check and final inspection all passed', () => {
		for (const qc of [
			{ self: false, lead: false, final: false },
			{ self: true, lead: false, final: false },
			{ self: true, lead: true, final: false }
		]) {
			expect(checkMove(card('qc', { qc }), 'wash')).toEqual({ ok: false, reason: 'qcIncomplete' });
			expect(checkMove(card('qc', { qc, washDeclined: true }), 'handover')).toEqual({
				ok: false,
				reason: 'qcIncomplete'
			});
			// rework needs no checks: a failure sends it back
			expect(checkMove(card('qc', { qc }), 'inBay')).toEqual({ ok: true, rework: true });
		}
	});

	it('has an answer for every pair of columns', () => {
		for (const from of COLUMNS) for (const to of COLUMNS) expect(checkMove(card(from), to)).toBeDefined();
	});
});
