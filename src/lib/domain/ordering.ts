import type { BoardCard } from './board';

/**
 * Urgency rank of a card: lower is more urgent. Seed 000 puts the most important prep on top;
 * DOMAIN.md names safety jobs, comebacks (返修) and complaint customers before the rest.
 */
export function urgencyRank(card: Pick<BoardCard, 'safety' | 'comeback' | 'complaint'>): number {
	if (card.safety) return 0;
	if (card.comeback) return 1;
	if (card.complaint) return 2;
	return 3;
}

type Orderable = Pick<BoardCard, 'id' | 'safety' | 'comeback' | 'complaint' | 'dueAt'>;

/**
 * The board's only order inside a column: urgency first, then the appointment time; the card id
 * breaks ties so that every screen shows the very same order.
 */
export function compareCards(a: Orderable, b: Orderable): number {
	return (
		urgencyRank(a) - urgencyRank(b) ||
		(a.dueAt < b.dueAt ? -1 : a.dueAt > b.dueAt ? 1 : 0) ||
		a.id - b.id
	);
}

export function sortColumn<T extends Orderable>(cards: T[]): T[] {
	return [...cards].sort(compareCards);
}
