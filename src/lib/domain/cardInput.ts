/**
 * The strict schema of a card edit (card.ts CardEdit): the server parses every edit with it, and
 * the card page checks a field with it before sending, so both say the same thing about the same
 * input. A failure names the field (`plate`, `vin`, `mileageKm`, ...) and the screen shows that
 * field's own words (messages `card_field_error_<field>`).
 */
import { z } from 'zod';
import { STOP_WORK_REASONS } from './board';
import { isDateKey } from './calendar';
import {
	AUTHORISATION_WAYS,
	HANDOVER_CHECKS,
	PART_STATUSES,
	QC_STAGES,
	type CardEdit
} from './card';
import { normalizeMobile, normalizePlate } from './identity';

const id = z.number().int().positive().max(2 ** 53);
const text = (max: number) => z.string().trim().min(1).max(max);
const dateKey = z.string().refine(isDateKey, 'not a date (YYYY-MM-DD)');

export const plate = z
	.string()
	.max(20)
	.transform((value, ctx) => {
		const normal = normalizePlate(value);
		if (!normal) ctx.addIssue({ code: 'custom', message: 'not a mainland plate, e.g. 沪A·12345' });
		return normal ?? value;
	});
/** 17 characters, letters and digits without I, O and Q (ISO 3779) */
export const vin = z
	.string()
	.trim()
	.toUpperCase()
	.regex(/^[A-HJ-NPR-Z0-9]{17}$/, 'a VIN is 17 letters and digits, without I, O or Q');
export const mileageKm = z.number().int('whole kilometres').min(0, 'not negative').max(2_000_000);
export const phone = z
	.string()
	.max(30)
	.transform((value, ctx) => {
		const normal = normalizeMobile(value);
		if (!normal) ctx.addIssue({ code: 'custom', message: 'not a mainland mobile number' });
		return normal ?? value;
	});
const title = z.enum(['先生', '女士', '']);
const labourMinutes = z.number().int().min(1).max(6000);
const partNo = z
	.string()
	.trim()
	.toUpperCase()
	.regex(/^[A-Z0-9][A-Z0-9._-]{0,39}$/, 'letters, digits, dot, dash or underscore, at most 40');
const quantity = z.number().int().min(1).max(999);
const unitPriceFen = z.number().int().min(0).max(100_000_000);
const eta = dateKey.nullable();

const partFields = {
	quantity,
	unitPriceFen,
	status: z.enum(PART_STATUSES),
	eta
};

export const cardEdit = z
	.discriminatedUnion('kind', [
		z.strictObject({
			kind: z.literal('vehicle'),
			plate,
			model: text(40),
			vin: vin.nullable(),
			mileageKm
		}),
		z.strictObject({
			kind: z.literal('customer'),
			name: text(40),
			surname: text(4),
			title,
			phone
		}),
		z.strictObject({
			kind: z.literal('flags'),
			safety: z.boolean(),
			comeback: z.boolean(),
			complaint: z.boolean(),
			customerWaits: z.boolean(),
			washDeclined: z.boolean()
		}),
		z.strictObject({
			kind: z.literal('assign'),
			team: text(20).nullable(),
			technicianId: id.nullable(),
			bayId: id.nullable(),
			advisorId: id.nullable()
		}),
		z.strictObject({
			kind: z.literal('addItem'),
			description: text(80),
			labourMinutes,
			extra: z.boolean()
		}),
		z.strictObject({
			kind: z.literal('updateItem'),
			itemId: id,
			description: text(80),
			labourMinutes
		}),
		z.strictObject({ kind: z.literal('removeItem'), itemId: id }),
		z.strictObject({
			kind: z.literal('authorise'),
			itemId: id,
			decision: z.enum(['approved', 'declined']),
			via: z.enum(AUTHORISATION_WAYS)
		}),
		z.strictObject({
			kind: z.literal('addPart'),
			partNo,
			name: z.string().trim().max(60),
			...partFields
		}),
		z.strictObject({ kind: z.literal('updatePart'), partId: id, ...partFields }),
		z.strictObject({ kind: z.literal('removePart'), partId: id }),
		z.strictObject({
			kind: z.literal('documents'),
			documents: z.strictObject({
				workOrder: z.boolean(),
				estimate: z.boolean(),
				partsSlip: z.boolean()
			})
		}),
		z.strictObject({ kind: z.literal('stopWork'), reason: z.enum(STOP_WORK_REASONS).nullable() }),
		z.strictObject({
			kind: z.literal('qcCheck'),
			stage: z.enum(QC_STAGES),
			passed: z.boolean(),
			reason: z.string().trim().max(200).nullable()
		}),
		z.strictObject({
			kind: z.literal('handoverChecks'),
			checks: z
				.array(z.enum(HANDOVER_CHECKS))
				.max(HANDOVER_CHECKS.length)
				.refine((checks) => new Set(checks).size === checks.length, 'a check is listed twice')
		}),
		z.strictObject({ kind: z.literal('nextService'), on: dateKey, km: mileageKm }),
		z.strictObject({ kind: z.literal('completeHandover') }),
		z.strictObject({
			kind: z.literal('escalate'),
			escalated: z.boolean(),
			note: z.string().trim().max(200).nullable()
		}),
		z.strictObject({
			kind: z.literal('proposeReschedule'),
			day: dateKey.nullable(),
			note: z.string().trim().max(200).nullable()
		})
	])
	.superRefine((edit, ctx) => {
		if (edit.kind === 'addPart' || edit.kind === 'updatePart') {
			// "ordered with ETA": an order without a promised day cannot be chased
			if (edit.status === 'ordered' && !edit.eta) {
				ctx.addIssue({ code: 'custom', path: ['eta'], message: 'an ordered part needs its ETA' });
			}
			if (edit.eta && edit.status !== 'ordered' && edit.status !== 'arrived') {
				ctx.addIssue({ code: 'custom', path: ['eta'], message: 'only an ordered part has an ETA' });
			}
		}
		if (edit.kind === 'qcCheck' && !edit.passed && !edit.reason) {
			ctx.addIssue({ code: 'custom', path: ['reason'], message: 'a failed check needs its reason' });
		}
	});

export const editCommand = z.strictObject({
	expectedVersion: z.number().int().positive().max(2 ** 31),
	idempotencyKey: z.string().min(8).max(100).regex(/^[\w:.-]+$/),
	edit: cardEdit
});

export type EditInputError = { code: 'invalidInput'; field: string; message: string };

/** Parses a card edit command; the first problem, with its field, when it is not one. */
export function parseEditCommand(
	input: unknown
):
	| { ok: true; data: { expectedVersion: number; idempotencyKey: string; edit: CardEdit } }
	| { ok: false; error: EditInputError } {
	const result = editCommand.safeParse(input);
	if (result.success) return { ok: true, data: result.data as never };
	const issue = result.error.issues[0];
	const path = issue.path.map(String);
	// the field is the last named key: edit.plate → plate, edit.documents.estimate → estimate
	const field = path.filter((key) => !/^\d+$/.test(key)).at(-1) ?? 'payload';
	return {
		ok: false,
		error: {
			code: 'invalidInput',
			field,
			message: `${path.length ? path.join('.') : 'payload'}: ${issue.message}`
		}
	};
}

/** The problem with one edit as the card page is about to send it, or null (no I/O). */
export function checkEdit(edit: unknown): EditInputError | null {
	const parsed = parseEditCommand({ expectedVersion: 1, idempotencyKey: 'check-only', edit });
	return parsed.ok ? null : parsed.error;
}
