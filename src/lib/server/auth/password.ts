import { hash, verify } from '@node-rs/argon2';

/**
 * argon2id with OWASP's minimum parameters, set explicitly rather than trusting the library's
 * defaults: 19 MiB of memory, 2 iterations, 1 lane.
 */
export const ARGON2_OPTIONS = {
	algorithm: 2, // Algorithm.Argon2id (a const enum, not importable under isolatedModules)
	memoryCost: 19_456,
	timeCost: 2,
	parallelism: 1
} as const;

export const MAX_PASSWORD_LENGTH = 256;

export const hashPassword = (password: string) => hash(password, ARGON2_OPTIONS);

/** Hashed once: verifying against it makes an unknown user name cost as much as a known one. */
let dummy: Promise<string> | undefined;

/** Whether `password` matches `stored`; with no stored hash, spends the same time and says no. */
export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
	if (!stored) {
		dummy ??= hashPassword('no such user');
		await verify(await dummy, password).catch(() => false);
		return false;
	}
	try {
		return await verify(stored, password);
	} catch {
		return false; // a malformed stored hash lets nobody in
	}
}
