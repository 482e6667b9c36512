import { m } from '$lib/paraglide/messages';
import type { Role } from '$lib/domain/permissions';

/** Role names, for the admin page (kept apart from labels.ts: the board's own code need not carry them). */
const ROLE: Record<Role, () => string> = {
	advisor: m.role_advisor,
	director: m.role_director,
	technician: m.role_technician,
	parts: m.role_parts,
	service: m.role_service,
	storeAdmin: m.role_storeAdmin,
	groupAdmin: m.role_groupAdmin,
	display: m.role_display,
	welcomeDisplay: m.role_welcome_display
};

export const roleLabel = (role: Role) => ROLE[role]();
