import { json } from '@sveltejs/kit';
import { screenState } from '../pairing.server';
import type { RequestHandler } from './$types';

/** Polled by the waiting screen every 2 s; on `paired` it has just received its credential. */
export const GET: RequestHandler = async (event) => {
	const screen = await screenState(event, { start: false });
	const body =
		screen.state === 'waiting' ? { state: screen.state, expiresAt: screen.expiresAt } : screen;
	return json(body, { headers: { 'cache-control': 'no-store' } });
};
