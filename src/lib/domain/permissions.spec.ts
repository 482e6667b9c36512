import { describe, expect, it } from 'vitest';
import { COLUMNS } from './board';
import { ACTIONS, ROLES, can, canMoveAny, type Action, type Role } from './permissions';

/** The matrix as a person would write it down: what each role may do, and nothing else. */
const EXPECTED: Record<Role, Action[]> = {
	advisor: ['board:view', 'welcome:view', 'card:view', 'card:move', 'card:edit', 'prep:review', 'appointment:book'],
	director: [
		'board:view',
		'welcome:view',
		'card:view',
		'card:move',
		'card:edit',
		'prep:review',
		'appointment:book',
		'appointment:override',
		'audit:view'
	],
	technician: ['board:view', 'welcome:view', 'card:view', 'card:move', 'card:edit'],
	parts: ['board:view', 'welcome:view', 'card:view', 'card:edit', 'prep:review'],
	service: ['board:view', 'welcome:view', 'card:view', 'card:move', 'card:edit', 'appointment:book'],
	storeAdmin: ['board:view', 'welcome:view', 'card:view', 'display:manage', 'apiToken:manage', 'audit:view'],
	groupAdmin: ['board:view', 'welcome:view', 'card:view', 'display:manage', 'apiToken:manage', 'audit:view'],
	display: ['board:view', 'welcome:view'],
	welcomeDisplay: ['welcome:view']
};

describe('the role × action matrix', () => {
	for (const role of ROLES) {
		for (const action of ACTIONS) {
			const allowed = EXPECTED[role].includes(action);
			it(`${role} ${allowed ? 'may' : 'may not'} ${action}`, () => {
				// a move is checked with a move every role with card:move may make, if any
				const move = role === 'technician' ? { from: 'inBay', to: 'qc' } as const
					: role === 'service' ? { from: 'ready', to: 'confirmed' } as const
					: { from: 'prep', to: 'ready' } as const;
				expect(can([role], action, action === 'card:move' ? move : undefined)).toBe(allowed);
			});
		}
	}
});

describe('which moves a role may make', () => {
	const pairs = COLUMNS.flatMap((from) => COLUMNS.filter((to) => to !== from).map((to) => ({ from, to })));
	const allowed = (role: Role) =>
		pairs.filter((m) => can([role], 'card:move', m)).map((m) => `${m.from}→${m.to}`);

	it('advisors and directors may make any move (the column rules still apply)', () => {
		expect(allowed('advisor')).toHaveLength(pairs.length);
		expect(allowed('director')).toHaveLength(pairs.length);
	});
	it('a technician reports a job done and takes back rework, nothing else', () => {
		expect(allowed('technician')).toEqual(['inBay→qc', 'qc→inBay']);
	});
	it('customer service confirms or reschedules, nothing else', () => {
		expect(allowed('service')).toEqual(['ready→confirmed', 'confirmed→ready']);
	});
	it('parts, store admins, group admins and displays move nothing', () => {
		for (const role of ['parts', 'storeAdmin', 'groupAdmin', 'display', 'welcomeDisplay'] as const) {
			expect(allowed(role), role).toEqual([]);
			expect(canMoveAny([role]), role).toBe(false);
		}
	});
	it('a move without saying which is refused to a role limited to some moves', () => {
		expect(can(['technician'], 'card:move')).toBe(false);
		expect(can(['advisor'], 'card:move')).toBe(true);
	});
});

describe('several roles', () => {
	it('add up: a technician who is also customer service may do both sets of moves', () => {
		expect(can(['technician', 'service'], 'card:move', { from: 'inBay', to: 'qc' })).toBe(true);
		expect(can(['technician', 'service'], 'card:move', { from: 'ready', to: 'confirmed' })).toBe(true);
		expect(can(['technician', 'service'], 'card:move', { from: 'prep', to: 'ready' })).toBe(false);
	});
	it('no roles may do nothing', () => {
		for (const action of ACTIONS) expect(can([], action, { from: 'prep', to: 'ready' })).toBe(false);
		expect(canMoveAny([])).toBe(false);
	});
});
