import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh 256-bit secret for a cookie or a header, URL-safe. */
export const newToken = () => randomBytes(32).toString('base64url');

/**
 * What the database keeps of a token. Tokens are 256 random bits, so a plain SHA-256 is enough
 * (no salt, no slow hash: nobody can guess their way through 2^256); passwords use argon2id.
 */
export const hashToken = (token: string) => createHash('sha256').update(token).digest();

/** A token as it may arrive from a client: the shape newToken makes, nothing longer. */
export const isTokenShaped = (value: unknown): value is string =>
	typeof value === 'string' && /^[A-Za-z0-9_-]{43}$/.test(value);

export const sameBytes = (a: Buffer, b: Buffer) => a.length === b.length && timingSafeEqual(a, b);
