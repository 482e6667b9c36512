import { describe, expect, it } from 'vitest';
import {
	cardsThatFit,
	nextPage,
	pageAfterChange,
	pageCount,
	pageSlice,
	UNMEASURED_PER_PAGE
} from './tvPaging';

describe('cardsThatFit', () => {
	it('counts whole cards only: a card that would be cut is left for the next page', () => {
		// 5 cards of 160 px with 4 gaps of 10 px: 840 px
		expect(cardsThatFit(840, 160, 10)).toBe(5);
		expect(cardsThatFit(838, 160, 10)).toBe(4);
	});
	it('shows one card even when none fits, and a default before anything is measured', () => {
		expect(cardsThatFit(90, 160, 10)).toBe(1);
		expect(cardsThatFit(0, 160, 10)).toBe(UNMEASURED_PER_PAGE);
		expect(cardsThatFit(840, 0, 10)).toBe(UNMEASURED_PER_PAGE);
	});
});

describe('pages', () => {
	it('an empty column is one page', () => {
		expect(pageCount(0, 5)).toBe(1);
		expect(pageCount(5, 5)).toBe(1);
		expect(pageCount(6, 5)).toBe(2);
	});
	it('turns to the next page and back to the first after the last', () => {
		expect(nextPage(0, 3)).toBe(1);
		expect(nextPage(2, 3)).toBe(0);
		expect(nextPage(0, 1)).toBe(0);
	});
	it('says how many cards are not on the page', () => {
		const cards = Array.from({ length: 12 }, (_, i) => i);
		expect(pageSlice(cards, 0, 5)).toEqual({ shown: [0, 1, 2, 3, 4], hidden: 7 });
		expect(pageSlice(cards, 2, 5)).toEqual({ shown: [10, 11], hidden: 10 });
		expect(pageSlice(cards.slice(0, 3), 0, 5)).toEqual({ shown: [0, 1, 2], hidden: 0 });
	});
});

describe('pageAfterChange', () => {
	it('shows the page of a card that just arrived', () => {
		expect(pageAfterChange(0, 12, 5, 11)).toBe(2);
		expect(pageAfterChange(2, 12, 5, 0)).toBe(0);
	});
	it('stays on its page while it exists, else starts again from the first', () => {
		expect(pageAfterChange(1, 12, 5)).toBe(1);
		expect(pageAfterChange(2, 10, 5)).toBe(0);
		expect(pageAfterChange(2, 0, 5)).toBe(0);
	});
});
