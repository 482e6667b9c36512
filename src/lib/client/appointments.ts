/**
 * The booking screen's calls to the JSON API (README "JSON API"): the session cookie goes with
 * them and the browser adds this site's Origin to the writes. Every write carries an idempotency
 * key made once per attempt: a retry after a lost answer is the same booking, not a second one.
 */
import type { DaySlots } from '$lib/domain/capacity';
import type {
	AppointmentChangeResult,
	BookingError,
	BookingResult,
	WalkInResult
} from '$lib/realtime/contract';
import { newKey as uuid } from './keys';

export interface JobTypeOption {
	code: string;
	name: string;
	labourMinutes: number;
	quickBookable: boolean;
	listPriceFen: number;
}

export interface CustomerVehicle {
	id: number;
	plate: string;
	model: string;
	registeredOn: string | null;
	mileageKm: number;
	lastServiceOn: string | null;
}

export interface CustomerMatch {
	id: number;
	name: string;
	surname: string;
	title: string;
	phone: string;
	noShows: number;
	vehicles: CustomerVehicle[];
}

/** Whom a booking is for: a known customer's car, or a new customer and car. */
export type Chosen =
	| { kind: 'known'; customer: CustomerMatch; vehicleId: number }
	| {
			kind: 'new';
			customer: { surname: string; title: '先生' | '女士'; phone: string };
			vehicle: { plate: string; model: string };
	  };

export type Answer<T> = { ok: true; data: T } | { ok: false; error: BookingError };

const base = (store: string) => `/api/stores/${encodeURIComponent(store)}`;

async function call<T>(url: string, init?: RequestInit): Promise<Answer<T>> {
	try {
		const response = await fetch(url, init);
		const body = await response.json();
		if (response.ok) return { ok: true, data: body as T };
		return { ok: false, error: body.error as BookingError };
	} catch {
		return { ok: false, error: { code: 'unavailable', message: 'network' } };
	}
}

const post = <T>(url: string, body: unknown) =>
	call<T>(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body)
	});

/** a command's idempotency key, named for what it is (works on a LAN over plain http too) */
export const newKey = (what: string) => `${what}-${uuid()}`;

export const findCustomers = (store: string, by: { phone: string } | { plate: string }) =>
	call<{ customers: CustomerMatch[] }>(`${base(store)}/customers?${new URLSearchParams(by)}`);

/** `appointment`: the slots for rescheduling it (it does not count against itself). */
export const slots = (store: string, day: string, jobs: string[], vehicle?: number, appointment?: number) =>
	call<DaySlots>(
		`${base(store)}/slots?${new URLSearchParams({
			day,
			jobs: jobs.join(','),
			...(vehicle ? { vehicle: String(vehicle) } : {}),
			...(appointment ? { appointment: String(appointment) } : {})
		})}`
	);

export const book = (store: string, command: Record<string, unknown>) =>
	post<BookingResult>(`${base(store)}/appointments`, command);

/** a car here now without an appointment (直接入厂): straight to 在修 */
export const registerWalkIn = (store: string, command: Record<string, unknown>) =>
	post<WalkInResult>(`${base(store)}/walk-ins`, command);

export const changeAppointment = (
	store: string,
	id: number,
	verb: 'confirm' | 'reschedule' | 'cancel' | 'no-show',
	command: Record<string, unknown>
) => post<AppointmentChangeResult>(`${base(store)}/appointments/${id}/${verb}`, command);

export const tickCall = (store: string, command: Record<string, unknown>) =>
	post<{ taskId: number; outcome: string; recorded: boolean; outboxId: number | null }>(
		`${base(store)}/calls`,
		command
	);
