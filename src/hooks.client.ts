import type { ClientInit } from '@sveltejs/kit';
import { openAhead } from '$lib/client/socket';

// runs before the first page hydrates: a board's socket starts its handshake meanwhile
export const init: ClientInit = () => openAhead(location.pathname);
