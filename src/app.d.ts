// See https://svelte.dev/docs/kit/types#app.d.ts
import type { Principal } from '$lib/server/auth/principal';

declare global {
	namespace App {
		interface Error {
			message: string;
			code?: string;
		}
		interface Locals {
			/** who sent the request: a signed-in person, a paired screen, an API token, or nobody */
			principal: Principal | null;
		}
	}
}

export {};
