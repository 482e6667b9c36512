import { z } from 'zod';
import { COLUMNS } from '$lib/domain/board';
import type { CommandError, MoveCommand } from '$lib/realtime/contract';

/** Strict schemas of client commands: unknown fields are refused, sizes are capped. */
export const moveCommand = z.strictObject({
	cardId: z.number().int().positive().max(2 ** 53),
	to: z.enum(COLUMNS),
	expectedVersion: z.number().int().positive().max(2 ** 31),
	idempotencyKey: z.string().min(8).max(100).regex(/^[\w:.-]+$/)
});

export const syncRequest = z.strictObject({
	since: z.number().int().min(0).max(2 ** 53),
	/** only `true` or absent: a screen that wants the whole board says so, nothing else is meant */
	full: z.literal(true).optional(),
	/** only `true` or absent: a snapshot's cards without their fields at the usual value */
	sparse: z.literal(true).optional()
});

export type Parsed<T> = { ok: true; data: T } | { ok: false; error: CommandError };

/** Parses `input` and turns a schema failure into a precise `invalidInput` error. */
export function parse<T>(schema: z.ZodType<T>, input: unknown): Parsed<T> {
	const result = schema.safeParse(input);
	if (result.success) return { ok: true, data: result.data };
	const issue = result.error.issues[0];
	const where = issue.path.length ? issue.path.join('.') : 'payload';
	return { ok: false, error: { code: 'invalidInput', message: `${where}: ${issue.message}` } };
}

export const parseMove = (input: unknown): Parsed<MoveCommand> => parse(moveCommand, input);
