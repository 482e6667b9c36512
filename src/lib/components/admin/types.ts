/** What the admin page's actions answer, as its components read it. */

export type CodeError = 'required' | 'shape' | 'unknown';
export type NameError = 'required' | 'tooLong';

export type PairResult =
	| {
			values: { code: string; kind: string; name: string };
			errors: { code?: CodeError; kind?: 'invalid'; name?: NameError };
	  }
	| { paired: { name: string } };

export type TokenResult =
	| { values: { name: string; role: string }; errors: { name?: NameError; role?: 'invalid' } }
	| { created: { id: number; name: string; token: string } };

/** Formats an instant as the store's wall clock shows it: "2026-11-23 08:30". */
export type Stamp = (at: Date | string) => string;
