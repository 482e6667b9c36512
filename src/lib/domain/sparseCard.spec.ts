import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { COLUMNS, STOP_WORK_REASONS, type BoardCard } from './board';
import { CARD_DEFAULTS, fullCard, sparseCard } from './sparseCard';

const base: BoardCard = {
	id: 7,
	column: 'prep',
	version: 3,
	plate: '沪A·12345',
	customerName: '王先生',
	model: '朗逸',
	dueAt: '2026-11-24T01:30:00.000Z',
	columnEnteredAt: '2026-11-23T09:00:00.000Z',
	jobSummary: '3万公里保养',
	...CARD_DEFAULTS,
	qc: { self: false, lead: false, final: false }
};

const card = fc.record({
	id: fc.integer({ min: 1 }),
	column: fc.constantFrom(...COLUMNS),
	version: fc.integer({ min: 1 }),
	plate: fc.string(),
	customerName: fc.string(),
	model: fc.string(),
	dueAt: fc.string(),
	walkIn: fc.boolean(),
	jobSummary: fc.string(),
	safety: fc.boolean(),
	comeback: fc.boolean(),
	complaint: fc.boolean(),
	partsWaiting: fc.boolean(),
	stopWork: fc.option(fc.record({ reason: fc.constantFrom(...STOP_WORK_REASONS), since: fc.string() })),
	customerWaits: fc.boolean(),
	washDeclined: fc.boolean(),
	reworkCount: fc.nat(5),
	technician: fc.option(fc.string()),
	bay: fc.option(fc.string()),
	advisor: fc.option(fc.string()),
	columnEnteredAt: fc.string(),
	team: fc.option(fc.string()),
	qc: fc.record({ self: fc.boolean(), lead: fc.boolean(), final: fc.boolean() }),
	authorisationPending: fc.boolean(),
	prepDueAt: fc.option(fc.string()),
	escalated: fc.boolean(),
	rescheduleProposal: fc.option(fc.string()),
	noShow: fc.boolean()
}) satisfies fc.Arbitrary<BoardCard>;

describe('sparse cards', () => {
	it('a card with every flag at rest carries only what identifies and describes it', () => {
		expect(Object.keys(sparseCard(base)).sort()).toEqual(
			['id', 'column', 'version', 'plate', 'customerName', 'model', 'dueAt', 'columnEnteredAt', 'jobSummary'].sort()
		);
		expect(fullCard(sparseCard(base))).toEqual(base);
	});

	it('keeps every field away from its usual value, falsy or not', () => {
		const busy: BoardCard = {
			...base,
			reworkCount: 2,
			qc: { self: true, lead: false, final: false },
			stopWork: { reason: 'parts', since: '2026-11-24T02:00:00.000Z' },
			technician: '',
			safety: true
		};
		const sparse = sparseCard(busy);
		expect(sparse).toMatchObject({ reworkCount: 2, qc: busy.qc, stopWork: busy.stopWork, technician: '', safety: true });
		expect(fullCard(sparse)).toEqual(busy);
	});

	it('round-trips any card, through JSON as on the wire', () => {
		fc.assert(
			fc.property(card, (c) => {
				expect(fullCard(JSON.parse(JSON.stringify(sparseCard(c))))).toEqual(c);
			}),
			{ numRuns: 500 }
		);
	});

	it('a field the defaults do not know is always sent', () => {
		const later = { ...base, newField: false } as BoardCard & { newField: boolean };
		expect(sparseCard(later)).toHaveProperty('newField', false);
	});

	it('the cards filled in do not share their qc object', () => {
		const a = fullCard(sparseCard(base));
		const b = fullCard(sparseCard(base));
		expect(a.qc).not.toBe(b.qc);
		expect(a.qc).not.toBe(CARD_DEFAULTS.qc);
	});
});
