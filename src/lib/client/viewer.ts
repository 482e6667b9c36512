import type { Role } from '$lib/domain/permissions';

/** Who is looking at a screen, as the page's data tells it (pageData.ts). */
export interface Viewer {
	kind: 'user' | 'display' | 'apiToken';
	name: string;
	roles: Role[];
}

/**
 * Where a screen goes when the server no longer accepts it: a paired screen back to pairing, a
 * person to sign in again (and back here after).
 */
export function leave(kind: Viewer['kind']) {
	location.assign(
		kind === 'display' ? '/display' : `/login?next=${encodeURIComponent(location.pathname)}`
	);
}
