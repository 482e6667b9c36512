import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import { can, canMoveAny, type Action, type Role } from '$lib/domain/permissions';
import type { CommandError } from '$lib/realtime/contract';
import { actorLabel, actorUserId, COOKIES, rolesIn, type Principal } from '../auth/principal';
import { anonymousRefusals, recordLater } from '../auth/audit';
import * as stores from '../db/stores';
import { getServices } from '../services';
import { errorResponse } from './errors';
import type { Viewer } from '$lib/client/viewer';

export interface StoreAccess {
	store: stores.Store;
	principal: Principal;
	roles: Role[];
}

/** Who is looking at a page, as its data tells the screen (client/viewer.ts). */
export const viewerOf = ({ principal, roles }: Pick<StoreAccess, 'principal' | 'roles'>): Viewer => ({
	kind: principal.kind,
	name: principal.kind === 'user' ? principal.displayName : principal.name,
	roles
});

/** "http 127.0.0.1 inst-a": where a request came from, for the audit log. */
export const sourceOf = (event: RequestEvent) =>
	`http ${event.getClientAddress()} ${getServices().instanceName}`;

/** Audits a refused request (after the answer is on its way). */
export function auditRefusal(
	event: RequestEvent,
	storeId: number | null,
	action: string,
	refusal: CommandError,
	detail: Record<string, unknown> = {}
) {
	const principal = event.locals.principal;
	const admitted = principal
		? { write: true, suppressed: 0 }
		: anonymousRefusals.admit(event.getClientAddress());
	if (!admitted.write) return;
	if (admitted.suppressed) detail = { ...detail, suppressed: admitted.suppressed };
	recordLater(getServices().sql, {
		storeId,
		userId: actorUserId(principal),
		label: actorLabel(principal),
		action,
		outcome: 'refused',
		source: sourceOf(event),
		detail: { code: refusal.code, message: refusal.message, path: event.url.pathname, ...detail }
	});
}

async function readStore(slug: string) {
	return slug.length <= 40 ? stores.readBySlug(getServices().sql, slug) : undefined;
}

/**
 * A page of a store: nobody signed in goes to the sign-in page and comes back; somebody without
 * `action` in this store gets a 403 page (the server refuses whatever the page would hide).
 */
export async function requirePageAccess(event: RequestEvent, slug: string, action: Action): Promise<StoreAccess> {
	const store = await readStore(slug);
	if (!store) error(404, { message: `store "${slug}" not found`, code: 'storeNotFound' });
	const principal = event.locals.principal;
	if (!principal) {
		// a screen whose credential was revoked has nobody to sign in: it goes back to pairing
		if (event.cookies.get(COOKIES.display)) redirect(303, '/display');
		redirect(303, `/login?next=${encodeURIComponent(event.url.pathname + event.url.search)}`);
	}
	const roles = rolesIn(principal, store);
	if (!can(roles, action)) {
		const refusal = { code: 'forbidden', message: `${actorLabel(principal)} may not ${action} in ${slug}` } as const;
		auditRefusal(event, store.id, action, refusal);
		error(403, { message: refusal.message, code: 'forbidden' });
	}
	return { store, principal, roles };
}

/**
 * A JSON endpoint of a store: 401 without a credential, 403 without `action` in this store. A write
 * authenticated by a cookie must also come from our own origin (a JSON body is no CSRF shield on
 * its own: `fetch` may send `text/plain`); an API token is not sent by browsers on their own, so it
 * needs no such check.
 */
export async function requireApiAccess(
	event: RequestEvent,
	slug: string,
	action: Action
): Promise<{ ok: true; access: StoreAccess } | { ok: false; response: Response }> {
	const refuse = (storeId: number | null, refusal: CommandError) => {
		auditRefusal(event, storeId, action, refusal);
		return { ok: false as const, response: errorResponse(refusal) };
	};
	const principal = event.locals.principal;
	if (!principal) {
		return refuse(null, {
			code: 'unauthenticated',
			message: 'sign in (session cookie) or send Authorization: Bearer <API token>'
		});
	}
	const store = await readStore(slug);
	if (!store) {
		return { ok: false, response: errorResponse({ code: 'storeNotFound', message: `store "${slug}" not found` }) };
	}
	if (event.request.method !== 'GET' && principal.kind !== 'apiToken' && !sameOrigin(event)) {
		return refuse(store.id, {
			code: 'forbidden',
			message: 'a write with a session cookie must come from this site (Origin header)'
		});
	}
	const roles = rolesIn(principal, store);
	// which move exactly is checked inside the move's transaction, against the card's column
	const allowed = action === 'card:move' ? canMoveAny(roles) : can(roles, action);
	if (!allowed) {
		return refuse(store.id, { code: 'forbidden', message: `${actorLabel(principal)} may not ${action} in ${slug}` });
	}
	return { ok: true, access: { store, principal, roles } };
}

function sameOrigin(event: RequestEvent): boolean {
	const origin = event.request.headers.get('origin');
	if (!origin) return false;
	const allowed = getServices().allowedOrigins;
	return allowed.length > 0 ? allowed.includes(origin) : origin === event.url.origin;
}
