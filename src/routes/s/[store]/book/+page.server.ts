import { can } from '$lib/domain/permissions';
import { localDate } from '$lib/domain/calendar';
import { CHANNELS } from '$lib/server/appointments/command';
import * as customers from '$lib/server/appointments/customers';
import * as detail from '$lib/server/appointments/detail';
import * as rules from '$lib/server/appointments/rules';
import { actorLabel } from '$lib/server/auth/principal';
import { requirePageAccess, viewerOf } from '$lib/server/http/access';
import { getServices } from '$lib/server/services';
import type { PageServerLoad } from './$types';

const idParam = (value: string | null) =>
	value !== null && /^[1-9]\d{0,15}$/.test(value) ? Number(value) : null;

/**
 * The booking screen: whoever may book (advisors, directors, customer service). `?vehicle=id`
 * opens it for that car (from a reminder call's "yes"); `?appointment=id` opens an appointment to
 * confirm, reschedule, cancel or record a no-show.
 */
export const load: PageServerLoad = async (event) => {
	const { store, principal, roles } = await requirePageAccess(event, event.params.store, 'appointment:book');
	const { sql } = getServices();
	const vehicleId = idParam(event.url.searchParams.get('vehicle'));
	const appointmentId = idParam(event.url.searchParams.get('appointment'));
	const channel = event.url.searchParams.get('channel');
	const [bookingRules, found, appointment] = await Promise.all([
		rules.read(sql, store),
		vehicleId === null ? Promise.resolve([]) : customers.find(sql, store.id, { vehicleId }),
		appointmentId === null ? Promise.resolve(null) : detail.read(sql, store, appointmentId)
	]);
	event.setHeaders({ 'cache-control': 'no-store' });
	return {
		store: { slug: store.slug, name: store.name, timeZone: store.timeZone },
		viewer: viewerOf({ principal, roles }),
		today: localDate(Date.now(), store.timeZone),
		jobTypes: [...bookingRules.jobTypes.values()].map(({ id: _, ...type }) => type),
		prefill: found[0] ? { customer: found[0], vehicleId } : null,
		channel: (CHANNELS as readonly string[]).includes(channel ?? '')
			? (channel as (typeof CHANNELS)[number])
			: 'phone',
		appointment,
		mayOverride: can(roles, 'appointment:override')
	};
};
