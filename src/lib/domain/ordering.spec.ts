import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compareCards, sortColumn, urgencyRank } from './ordering';

const card = (id: number, dueAt: string, flags: Partial<Record<'safety' | 'comeback' | 'complaint', boolean>> = {}) => ({
	id,
	dueAt,
	safety: false,
	comeback: false,
	complaint: false,
	...flags
});

describe('board order inside a column', () => {
	it('puts safety, then comebacks, then complaints before ordinary jobs, whatever the time', () => {
		const ordinary = card(1, '2026-11-23T00:30:00.000Z');
		const complaint = card(2, '2026-11-23T08:00:00.000Z', { complaint: true });
		const comeback = card(3, '2026-11-23T07:00:00.000Z', { comeback: true });
		const safety = card(4, '2026-11-23T09:00:00.000Z', { safety: true });
		expect(sortColumn([ordinary, complaint, comeback, safety]).map((c) => c.id)).toEqual([4, 3, 2, 1]);
	});

	it('orders equally urgent cards by appointment time, earliest first', () => {
		const later = card(1, '2026-11-23T02:15:00.000Z');
		const earlier = card(2, '2026-11-23T01:00:00.000Z');
		expect(sortColumn([later, earlier]).map((c) => c.id)).toEqual([2, 1]);
	});

	it('counts a card with several flags by its most urgent one', () => {
		expect(urgencyRank({ safety: false, comeback: true, complaint: true })).toBe(1);
	});

	it('is a total order: every screen shows the same order whatever order the cards arrived in', () => {
		const arb = fc.array(
			fc.record({
				id: fc.integer({ min: 1, max: 1000 }),
				dueAt: fc
					.integer({ min: 1_790_000_000_000, max: 1_790_500_000_000 })
					.map((t) => new Date(t).toISOString()),
				safety: fc.boolean(),
				comeback: fc.boolean(),
				complaint: fc.boolean()
			}),
			{ maxLength: 40 }
		).map((cards) => [...new Map(cards.map((c) => [c.id, c])).values()]);
		fc.assert(
			fc.property(arb, fc.func(fc.integer()), (cards, shuffleKey) => {
				const shuffled = [...cards].sort((a, b) => shuffleKey(a.id) - shuffleKey(b.id));
				expect(sortColumn(shuffled)).toEqual(sortColumn(cards));
				const sorted = sortColumn(cards);
				for (let i = 1; i < sorted.length; i++) expect(compareCards(sorted[i - 1], sorted[i])).toBeLessThan(0);
			})
		);
	});
});
