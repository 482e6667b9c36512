/**
 * A screen's board applies card:created and card:archived in sequence like card:moved, live or
 * replayed by board:sync (src/lib/client/board.svelte.ts). No server: the state alone.
 */
import { describe, expect, it } from 'vitest';
import { BoardState } from '$lib/client/board.svelte';
import type { BoardCard } from '$lib/domain/board';
import { CARD_DEFAULTS } from '$lib/domain/sparseCard';
import type { BoardEvent } from '$lib/realtime/contract';

const card = (id: number, over: Partial<BoardCard> = {}): BoardCard => ({
	// every flag at rest, nobody dispatched (the same values a sparse card leaves out)
	...CARD_DEFAULTS,
	qc: { ...CARD_DEFAULTS.qc },
	id,
	column: 'prep',
	version: 1,
	plate: `沪A·1000${id}`,
	customerName: '王先生',
	model: '朗逸',
	dueAt: `2026-12-0${id}T02:00:00.000Z`,
	jobSummary: '常规保养',
	columnEnteredAt: '2026-11-24T00:00:00.000Z',
	...over
});
const base = { at: '2026-11-24T00:00:00.000Z', actor: 'advisor1' };

describe('a screen’s board', () => {
	it('puts a created card in its column at its place, in sequence', () => {
		const board = new BoardState([card(1), card(3)], 4);
		const created: BoardEvent = { ...base, seq: 5, type: 'card:created', card: card(2), appointmentId: 9 };
		expect(board.apply({ ...created, seq: 6 })).toBe('gap');
		expect(board.apply(created)).toBe('applied');
		expect(board.columns.prep.map((c) => c.id)).toEqual([1, 2, 3]);
		expect(board.apply(created)).toBe('stale');
		expect(board.size).toBe(3);
	});

	it('moves a created card, then takes it off the board when archived', () => {
		const board = new BoardState([], 0);
		board.apply({ ...base, seq: 1, type: 'card:created', card: card(1), appointmentId: 1 });
		board.apply({ ...base, seq: 2, type: 'card:moved', card: card(1, { column: 'ready', version: 2 }), from: 'prep' });
		expect(board.columns.ready.map((c) => c.id)).toEqual([1]);
		const archived: BoardEvent = {
			...base,
			seq: 3,
			type: 'card:archived',
			card: card(1, { column: 'ready', version: 3 }),
			reason: 'cancelled'
		};
		expect(board.apply(archived)).toBe('applied');
		expect(board.card(1)).toBeUndefined();
		expect(board.columns.ready).toEqual([]);
		expect(board.applied).toBe(3);
	});

	it('a snapshot keeps the cards the screen already shows as they are, and takes every changed one', () => {
		const shown = [card(1), card(2), card(3, { column: 'ready' })];
		const board = new BoardState(shown, 7);
		const prep = board.columns.prep;
		// the same cards, as new objects: nothing to render again, not even the column's list
		board.replace([card(1), card(2), card(3, { column: 'ready' })], 7);
		expect(board.columns.prep).toBe(prep);
		expect(board.card(1)).toBe(shown[0]);
		// same version, other content (a name changed elsewhere): the snapshot's copy wins
		const renamed = card(2, { customerName: '李女士' });
		board.replace([card(1), renamed, card(3, { column: 'ready' })], 8);
		expect(board.card(2)).toBe(renamed);
		expect(board.card(1)).toBe(shown[0]);
		// a nested field counts too
		const qc = card(3, { column: 'ready', qc: { self: true, lead: false, final: false } });
		board.replace([card(1), renamed, qc], 9);
		expect(board.card(3)).toBe(qc);
	});

	it('a page with the first screenful counts every card, then the snapshot makes it whole', () => {
		const counts = { prep: 12, ready: 1, confirmed: 0, inBay: 0, qc: 0, wash: 0, handover: 0 };
		const board = new BoardState([card(1), card(2), card(3, { column: 'ready' })], 7, counts);
		expect(board.partial).toBe(true);
		expect(board.count('prep')).toBe(12);
		// a move shown before the rest arrived keeps the counts right
		board.adopt(card(2, { column: 'ready', version: 2 }));
		expect([board.count('prep'), board.count('ready')]).toEqual([11, 2]);
		const whole = [card(1), card(2, { column: 'ready', version: 2 }), card(3, { column: 'ready' })];
		for (let id = 4; id <= 13; id++) {
			whole.push(card(id, { dueAt: `2026-12-1${id % 10}T02:00:00.000Z` }));
		}
		board.replace(whole, 8);
		expect(board.partial).toBe(false);
		expect([board.count('prep'), board.count('ready')]).toEqual([11, 2]);
		expect(board.size).toBe(13);
		expect(board.applied).toBe(8);
	});
});
