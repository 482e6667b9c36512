/**
 * The move as a JSON endpoint (for integrations and scripts): the same validation, versioning and
 * idempotency as the socket command, and the same broadcast to the screens of the store.
 */
import { expect, test } from '@playwright/test';
import type { BoardCard } from '../../src/lib/domain/board';

const STORE = 'demo';
const moveUrl = (id: number) => `/api/stores/${STORE}/cards/${id}/move`;

test('moves a card once per idempotency key, refuses stale versions and bad input with a precise error', async ({
	request,
	page
}) => {
	const board = await (await request.get(`/api/stores/${STORE}/board`)).json();
	const card: BoardCard = board.cards.find((c: BoardCard) => c.column === 'ready');
	expect(card).toBeDefined();

	// a screen of the store sees the API's move live
	await page.goto(`/s/${STORE}/board`);
	await expect(page.locator('[data-board-ready]')).toBeAttached();

	const body = { to: 'confirmed', expectedVersion: card.version, idempotencyKey: `api-${card.id}-1` };
	const first = await request.post(moveUrl(card.id), { data: body });
	expect(first.status()).toBe(200);
	const moved = await first.json();
	expect(moved).toMatchObject({ replayed: false, event: { card: { id: card.id, column: 'confirmed' } } });
	await expect(page.locator(`#column-confirmed [data-card="${card.id}"]`)).toBeVisible();

	const retry = await request.post(moveUrl(card.id), { data: body });
	expect(retry.status()).toBe(200);
	expect(await retry.json()).toEqual({ replayed: true, event: moved.event });

	const stale = await request.post(moveUrl(card.id), {
		data: { to: 'ready', expectedVersion: card.version, idempotencyKey: `api-${card.id}-2` }
	});
	expect(stale.status()).toBe(409);
	expect((await stale.json()).error).toMatchObject({ code: 'versionConflict', card: { column: 'confirmed' } });

	const refused = await request.post(moveUrl(card.id), {
		data: { to: 'handover', expectedVersion: card.version + 1, idempotencyKey: `api-${card.id}-3` }
	});
	expect(refused.status()).toBe(422);
	expect((await refused.json()).error).toMatchObject({ code: 'moveRefused', reason: 'skipsSteps' });

	for (const [data, where] of [
		[{ to: 'nowhere', expectedVersion: 1, idempotencyKey: 'api-bad-0001' }, 'to'],
		[{ to: 'ready', expectedVersion: 1, idempotencyKey: 'api-bad-0002', extra: true }, 'payload'],
		[{ to: 'ready', expectedVersion: 1, idempotencyKey: 'x'.repeat(5000) }, 'body']
	] as const) {
		const bad = await request.post(moveUrl(card.id), { data });
		expect(bad.status()).toBe(400);
		const error = (await bad.json()).error;
		expect(error.code).toBe('invalidInput');
		expect(error.message).toContain(where);
	}
	expect((await request.post(moveUrl(999_999), { data: { ...body, idempotencyKey: 'api-missing-1' } })).status()).toBe(404);
	expect((await request.get(`/api/stores/nowhere/board`)).status()).toBe(404);

	// nothing of the refused or invalid requests was written
	const after = await (await request.get(`/api/stores/${STORE}/board`)).json();
	expect(after.head).toBe(board.head + 1);
});
