import { fail } from '@sveltejs/kit';
import { can } from '$lib/domain/permissions';
import * as apiTokens from '$lib/server/auth/apiTokens';
import { record, type AuditEntry } from '$lib/server/auth/audit';
import * as displays from '$lib/server/auth/displays';
import { sourceOf, viewerOf } from '$lib/server/http/access';
import { getServices } from '$lib/server/services';
import { latestAudit, requireAdmin } from './admin.server';
import { readId, readPairForm, readTokenForm } from './forms';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

export const load: PageServerLoad = async (event) => {
	const { store, principal, roles } = await requireAdmin(event, 'display:manage');
	const { sql } = getServices();
	const tokens = can(roles, 'apiToken:manage');
	const audit = can(roles, 'audit:view');
	event.setHeaders({ 'cache-control': 'no-store' });
	return {
		store: { slug: store.slug, name: store.name, timeZone: store.timeZone },
		viewer: viewerOf({ principal, roles }),
		displays: await displays.list(sql, store.id),
		tokens: tokens ? await apiTokens.list(sql, store.id) : null,
		audit: audit ? await latestAudit(sql, store.id) : null
	};
};

/** Audits what an admin did in this store, from this request. */
const audit = (
	event: RequestEvent,
	access: { store: { id: number }; principal: { userId: number; username: string } },
	entry: Pick<AuditEntry, 'action' | 'outcome' | 'detail'>
) =>
	record(getServices().sql, {
		storeId: access.store.id,
		userId: access.principal.userId,
		label: access.principal.username,
		source: sourceOf(event),
		...entry
	});

export const actions: Actions = {
	pair: async (event) => {
		const access = await requireAdmin(event, 'display:manage');
		const form = readPairForm(await event.request.formData(), {
			normalise: displays.normaliseCode,
			isShaped: displays.isCodeShaped
		});
		if (!form.ok) {
			return fail(400, { action: 'pair' as const, values: form.values, errors: form.errors });
		}
		const result = await displays.claim(getServices().sql, {
			code: form.code,
			storeId: access.store.id,
			kind: form.kind,
			name: form.name,
			by: access.principal.userId
		});
		if (!result.ok) {
			// audited: a run of unknown codes is somebody guessing
			await audit(event, access, {
				action: 'display:pair',
				outcome: 'refused',
				detail: { reason: result.code }
			});
			const values = { code: form.code, kind: form.kind, name: form.name };
			return fail(400, { action: 'pair' as const, values, errors: { code: 'unknown' as const } });
		}
		await audit(event, access, {
			action: 'display:pair',
			outcome: 'ok',
			detail: { displayId: result.displayId, kind: form.kind, name: form.name }
		});
		return { action: 'pair' as const, paired: { name: form.name } };
	},

	revokeDisplay: async (event) => {
		const access = await requireAdmin(event, 'display:manage');
		const id = readId(await event.request.formData());
		const { sql, realtime } = getServices();
		const by = access.principal.userId;
		if (id === null || !(await displays.revoke(sql, access.store.id, id, by))) {
			return fail(404, { action: 'revokeDisplay' as const, notFound: true });
		}
		// the wall TV leaves the board now, on whichever instance its socket is
		realtime.disconnectCredential(`display:${id}`);
		await audit(event, access, {
			action: 'display:revoke',
			outcome: 'ok',
			detail: { displayId: id }
		});
		return { action: 'revokeDisplay' as const, revoked: id };
	},

	createToken: async (event) => {
		const access = await requireAdmin(event, 'apiToken:manage');
		const form = readTokenForm(await event.request.formData());
		if (!form.ok) {
			const { values, errors } = form;
			return fail(400, { action: 'createToken' as const, values, errors });
		}
		const created = await apiTokens.create(getServices().sql, {
			storeId: access.store.id,
			name: form.name,
			role: form.role,
			by: access.principal.userId
		});
		await audit(event, access, {
			action: 'apiToken:create',
			outcome: 'ok',
			detail: { tokenId: created.id, name: form.name, role: form.role }
		});
		// the only time the token leaves the server: only its hash is kept
		return {
			action: 'createToken' as const,
			created: { id: created.id, name: form.name, token: created.token }
		};
	},

	revokeToken: async (event) => {
		const access = await requireAdmin(event, 'apiToken:manage');
		const id = readId(await event.request.formData());
		const { sql, realtime } = getServices();
		if (id === null || !(await apiTokens.revoke(sql, access.store.id, id))) {
			return fail(404, { action: 'revokeToken' as const, notFound: true });
		}
		realtime.disconnectCredential(`token:${id}`);
		await audit(event, access, {
			action: 'apiToken:revoke',
			outcome: 'ok',
			detail: { tokenId: id }
		});
		return { action: 'revokeToken' as const, revoked: id };
	}
};
