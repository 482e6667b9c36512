import { canEdit, type Role } from '$lib/domain/permissions';

/**
 * How much of the work order a viewer may change: everything (advisor, director), only the extra
 * items found in the bay (a technician: the server's edit function holds that rule, the screen
 * offers no more), or nothing.
 */
export function jobEditor(roles: readonly Role[]): 'all' | 'extras' | 'none' {
	if (!canEdit(roles, 'job')) return 'none';
	return roles.some((role) => role !== 'technician' && canEdit([role], 'job')) ? 'all' : 'extras';
}
