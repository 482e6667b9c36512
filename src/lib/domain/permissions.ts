import type { Column } from './board';
import type { EditSection, QcStage } from './card';

/**
 * Who may do what on a store's board: ONE table, used by the server to refuse and by the screens
 * to hide what a role cannot do. A user holds roles per store; a group admin holds `groupAdmin`
 * in every store of the group; a paired wall TV or welcome board is a `display`; an integration
 * token carries the one role it was made with.
 */
export const STAFF_ROLES = ['advisor', 'director', 'technician', 'parts', 'service', 'storeAdmin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
export type Role = StaffRole | 'groupAdmin' | 'display' | 'welcomeDisplay';
export const ROLES: readonly Role[] = [...STAFF_ROLES, 'groupAdmin', 'display', 'welcomeDisplay'];

export const ACTIONS = [
	'board:view',
	'welcome:view',
	'card:view',
	'card:move',
	'card:edit',
	'prep:review',
	'appointment:book',
	'appointment:override',
	'display:manage',
	'apiToken:manage',
	'audit:view'
] as const;
export type Action = (typeof ACTIONS)[number];

/** A move a role may make: any, or only these column pairs. */
type Moves = 'any' | readonly (readonly [Column, Column])[];

interface Grant {
	actions: readonly Action[];
	moves?: Moves;
	/** with card:edit: the sections of the card this role may change (card.ts EDIT_SECTIONS) */
	edits?: readonly EditSection[];
	/** with the `qc` section: the checks this role may sign */
	qcStages?: readonly QcStage[];
}

export const PERMISSIONS: Record<Role, Grant> = {
	// 服务顾问: runs the flow of the cards end to end
	advisor: {
		actions: ['board:view', 'welcome:view', 'card:view', 'card:move', 'card:edit', 'prep:review', 'appointment:book'],
		moves: 'any',
		edits: ['customer', 'job', 'authorise', 'parts', 'dispatch', 'stopWork', 'handover', 'review']
	},
	// 技术总监: hands folders back (prep → ready), dispatches, decides QC and rework; the only one
	// who may book past a slot's quota or the 80% (the override is recorded)
	director: {
		actions: [
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
		moves: 'any',
		edits: ['customer', 'job', 'authorise', 'parts', 'dispatch', 'stopWork', 'qc', 'handover', 'review'],
		// the final inspection is the director's (or the inspector's) alone
		qcStages: ['self', 'lead', 'final']
	},
	// 维修技师 / 班组长: reports a job done (in bay → QC) and takes back rework (QC → in bay); adds
	// the extra items found in the bay, stops work, signs the self-check and, as team lead, the lead
	// check of someone else's work
	technician: {
		actions: ['board:view', 'welcome:view', 'card:view', 'card:move', 'card:edit'],
		moves: [
			['inBay', 'qc'],
			['qc', 'inBay']
		],
		edits: ['job', 'stopWork', 'qc'],
		qcStages: ['self', 'lead']
	},
	// 零件: reads the board; parts work is done on the card (issue #5), not by moving it
	parts: { actions: ['board:view', 'welcome:view', 'card:view', 'card:edit', 'prep:review'], edits: ['parts'] },
	// 客服: books from the reminder calls; the confirmation call confirms (ready → confirmed) or
	// reschedules (confirmed → ready)
	service: {
		actions: ['board:view', 'welcome:view', 'card:view', 'card:move', 'card:edit', 'appointment:book'],
		moves: [
			['ready', 'confirmed'],
			['confirmed', 'ready']
		],
		// the customer's details, and their word on extra work given on the phone
		edits: ['customer', 'authorise']
	},
	// 店长 / IT: pairs screens, makes tokens, reads the audit log; does not drag cards
	storeAdmin: {
		actions: ['board:view', 'welcome:view', 'card:view', 'display:manage', 'apiToken:manage', 'audit:view']
	},
	// a dealer group's manager: sees and administers every store of the group
	groupAdmin: {
		actions: ['board:view', 'welcome:view', 'card:view', 'display:manage', 'apiToken:manage', 'audit:view']
	},
	// a wall TV in the workshop: reads the board, never writes
	display: { actions: ['board:view', 'welcome:view'] },
	// the welcome board at reception faces customers: today's arrivals, masked, and nothing else
	// (not the board, whose cards carry full plates and names)
	welcomeDisplay: { actions: ['welcome:view'] }
};

/** Whether any of `roles` may do `action`; for `card:move`, this particular move. */
export function can(
	roles: readonly Role[],
	action: Action,
	move?: { from: Column; to: Column }
): boolean {
	return roles.some((role) => {
		const grant = PERMISSIONS[role];
		if (!grant.actions.includes(action)) return false;
		if (action !== 'card:move') return true;
		if (grant.moves === 'any') return true;
		if (!move || !grant.moves) return false;
		return grant.moves.some(([from, to]) => from === move.from && to === move.to);
	});
}

/**
 * Whether `roles` may change this section of a card; for `qc`, sign this check. A technician's
 * job edits are extra items only (found in the bay): the edit function checks that part.
 */
export function canEdit(roles: readonly Role[], section: EditSection, stage?: QcStage): boolean {
	return roles.some((role) => {
		const grant = PERMISSIONS[role];
		if (!grant.actions.includes('card:edit') || !grant.edits?.includes(section)) return false;
		return section !== 'qc' || (stage !== undefined && !!grant.qcStages?.includes(stage));
	});
}

/** Whether `roles` may move some card somewhere at all (the screen offers dragging). */
export const canMoveAny = (roles: readonly Role[]) =>
	roles.some((role) => PERMISSIONS[role].actions.includes('card:move'));
