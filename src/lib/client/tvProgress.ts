import type { Column } from '$lib/domain/board';

/**
 * The customer-facing progress colour of a column (DOMAIN.md, seed 004): red while the car waits,
 * yellow while it is on the lift, green when it is almost done. The TV shows it as each column's
 * accent, so the same three colours mean the same thing on every screen that uses them.
 */
export type Progress = 'waiting' | 'inBay' | 'almostDone';

const PROGRESS: Record<Column, Progress> = {
	prep: 'waiting',
	ready: 'waiting',
	confirmed: 'waiting',
	inBay: 'inBay',
	qc: 'almostDone',
	wash: 'almostDone',
	handover: 'almostDone'
};

export const progressOf = (column: Column): Progress => PROGRESS[column];
