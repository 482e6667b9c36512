import { z } from 'zod';
import { isDateKey } from '$lib/domain/calendar';
import { normalizeMobile, normalizePlate } from '$lib/domain/identity';

const id = z.number().int().positive().max(2 ** 53);
const text = (max: number) => z.string().trim().min(1).max(max);

const newCustomer = z.strictObject({
	surname: z
		.string()
		.trim()
		.min(1)
		.max(4)
		.regex(/^\p{Script=Han}+$/u, 'a surname in Chinese characters (王, 欧阳)'),
	title: z.enum(['先生', '女士']),
	phone: z
		.string()
		.max(20)
		.transform((value, ctx) => {
			const phone = normalizeMobile(value);
			if (phone === null) {
				ctx.addIssue({ code: 'custom', message: 'not a mainland mobile number (11 digits, 13–19…)' });
				return z.NEVER;
			}
			return phone;
		}),
	/** the full name, when the customer gave it */
	name: text(20).optional()
});

const newVehicle = z.strictObject({
	plate: z
		.string()
		.max(20)
		.transform((value, ctx) => {
			const plate = normalizePlate(value);
			if (plate === null) {
				ctx.addIssue({ code: 'custom', message: 'not a mainland plate (沪A·12345, 沪A·D12345)' });
				return z.NEVER;
			}
			return plate;
		}),
	model: text(40),
	registeredOn: z.string().refine(isDateKey, 'a date YYYY-MM-DD').optional()
});

export const CHANNELS = ['phone', 'web', 'walkIn', 'reminderCall'] as const;

/** POST /api/stores/:store/appointments: strict, every size capped. */
export const bookCommand = z.strictObject({
	idempotencyKey: z.string().min(8).max(100).regex(/^[\w:.-]+$/),
	customer: z.union([z.strictObject({ id }), newCustomer]),
	vehicle: z.union([z.strictObject({ id }), newVehicle]),
	/** the store-local appointment day */
	day: z.string().refine(isDateKey, 'a date YYYY-MM-DD'),
	/** the arrival slot, store-local 'HH:MM' */
	start: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time HH:MM'),
	jobs: z
		.array(z.string().regex(/^[a-zA-Z][a-zA-Z0-9_-]{0,39}$/, 'a job type code'))
		.min(1)
		.max(10)
		.refine((codes) => new Set(codes).size === codes.length, 'each job type once'),
	channel: z.enum(CHANNELS),
	/** a director books past a slot's quota or the 80%: why, for the audit log */
	override: z.strictObject({ reason: text(200) }).optional()
});

export type BookCommand = z.output<typeof bookCommand>;

/**
 * POST /api/stores/:store/walk-ins: a car here now without an appointment (直接入厂): who, and
 * what is to be done; no day, no slot, no channel.
 */
export const walkInCommand = bookCommand.omit({ day: true, start: true, channel: true });

export type WalkInCommand = z.output<typeof walkInCommand>;

/** 'HH:MM' → minutes past the store-local midnight. */
export const minutesOf = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

/** GET /api/stores/:store/slots?day=YYYY-MM-DD&jobs=a,b[&vehicle=id] */
export const slotsQuery = z.strictObject({
	day: z.string().refine(isDateKey, 'a date YYYY-MM-DD'),
	jobs: z
		.string()
		.max(400)
		.transform((s) => (s === '' ? [] : s.split(',')))
		.pipe(z.array(z.string().regex(/^[a-zA-Z][a-zA-Z0-9_-]{0,39}$/, 'a job type code')).max(10)),
	vehicle: z.coerce.number().int().positive().max(2 ** 53).optional(),
	/** rescheduling this appointment: it does not count against itself, its own parts are its own */
	appointment: z.coerce.number().int().positive().max(2 ** 53).optional()
});

/** GET /api/stores/:store/customers?phone=… or ?plate=… */
export const customerQuery = z.union([
	z.strictObject({ phone: z.string().min(1).max(20) }),
	z.strictObject({ plate: z.string().min(1).max(20) })
]);

const idempotencyKey = z.string().min(8).max(100).regex(/^[\w:.-]+$/);

/** POST …/appointments/:id/confirm. `call`: confirmed on the confirmation call (ticks it off). */
export const confirmCommand = z.strictObject({
	idempotencyKey,
	call: z.strictObject({ note: text(200).optional() }).optional()
});

/** POST …/appointments/:id/reschedule: a new day and slot, checked as a booking is. */
export const rescheduleCommand = z.strictObject({
	idempotencyKey,
	day: z.string().refine(isDateKey, 'a date YYYY-MM-DD'),
	start: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time HH:MM'),
	override: z.strictObject({ reason: text(200) }).optional()
});

/** POST …/appointments/:id/cancel: why, for the card's history. */
export const cancelCommand = z.strictObject({ idempotencyKey, reason: text(200) });

/** POST …/appointments/:id/no-show */
export const noShowCommand = z.strictObject({ idempotencyKey, note: text(200).optional() });

export type ConfirmCommand = z.output<typeof confirmCommand>;
export type RescheduleCommand = z.output<typeof rescheduleCommand>;
export type CancelCommand = z.output<typeof cancelCommand>;
export type NoShowCommand = z.output<typeof noShowCommand>;
