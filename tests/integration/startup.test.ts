/**
 * `npm start` on a fresh machine: the production entry brings its own PostgreSQL under an empty
 * data folder, migrates, seeds the demo store and serves the board; data survives a restart; bad
 * configuration stops start-up with one clear line. Needs a build (npm test builds first).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BoardSnapshot } from '../../src/lib/realtime/contract';
import { freePort } from '../../src/lib/server/db/embedded';

interface Running {
	child: ChildProcess;
	output: () => string;
	exited: Promise<number | null>;
}

function startApp(env: Record<string, string | undefined>): Running {
	const childEnv = { ...process.env, ...env };
	for (const [key, value] of Object.entries(env)) if (value === undefined) delete childEnv[key];
	const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/start.ts'], {
		env: childEnv,
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let output = '';
	child.stdout!.on('data', (chunk) => (output += chunk));
	child.stderr!.on('data', (chunk) => (output += chunk));
	const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
	return { child, output: () => output, exited };
}

/** Resolves when the app has printed `text`; fails if it exits first or takes longer than `ms`. */
function printed(running: Running, text: string, ms: number): Promise<void> {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => done(new Error(`timed out waiting for "${text}":\n${running.output()}`)), ms);
		const check = () => running.output().includes(text) && done();
		const exit = () => done(new Error(`app exited before printing "${text}":\n${running.output()}`));
		const done = (error?: Error) => {
			clearTimeout(timer);
			running.child.stdout!.off('data', check);
			running.child.off('exit', exit);
			if (error) reject(error);
			else resolve();
		};
		running.child.stdout!.on('data', check);
		running.child.once('exit', exit);
		check();
	});
}

async function stopApp(running: Running) {
	if (running.child.exitCode === null) running.child.kill('SIGTERM');
	return running.exited;
}

describe('npm start on a fresh machine (embedded PostgreSQL)', () => {
	let dataDir: string;
	let port: number;
	const base = () => `http://127.0.0.1:${port}`;

	beforeAll(async () => {
		expect(existsSync('build/handler.js'), 'run `npm run build` first').toBe(true);
		dataDir = mkdtempSync(path.join(os.tmpdir(), 'wb-data-'));
		port = await freePort();
	});
	afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

	it('starts on an empty data folder, serves the seeded demo board, and keeps data across a restart', async () => {
		const env = { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, DATABASE_URL: undefined, REDIS_URL: undefined };
		const first = startApp(env);
		try {
			await printed(first, 'ready on', 90_000);
			expect(first.output()).toContain(`/s/demo/board`);

			// the board is for signed-in staff: the page sends a stranger to sign in
			const stranger = await fetch(`${base()}/s/demo/board`, { redirect: 'manual' });
			expect(stranger.status).toBe(303);
			expect(stranger.headers.get('location')).toBe('/login?next=%2Fs%2Fdemo%2Fboard');
			const cookie = await signIn(base(), 'advisor1', 'demo1234');
			const headers = { cookie, origin: base() };

			const page = await fetch(`${base()}/s/demo/board`, { headers });
			expect(page.status).toBe(200);
			expect(await page.text()).toContain('上海浦东4S店');

			const snapshot = (await (await fetch(`${base()}/api/stores/demo/board`, { headers })).json()) as BoardSnapshot;
			const columns = new Set(snapshot.cards.map((c) => c.column));
			expect(columns.size).toBe(7);

			const card = snapshot.cards.find((c) => c.column === 'prep' && !c.partsWaiting)!;
			const moved = await fetch(`${base()}/api/stores/demo/cards/${card.id}/move`, {
				method: 'POST',
				headers: { ...headers, 'content-type': 'application/json' },
				body: JSON.stringify({ to: 'ready', expectedVersion: card.version, idempotencyKey: 'startup-test-1' })
			});
			expect(moved.status).toBe(200);
			expect(await stopApp(first)).toBe(0);

			const second = startApp(env);
			try {
				await printed(second, 'ready on', 60_000);
				expect(second.output()).not.toContain('seeded the demo store');
				// sessions are in the database: the same cookie still works after the restart
				const again = (await (await fetch(`${base()}/api/stores/demo/board`, { headers })).json()) as BoardSnapshot;
				const same = again.cards.find((c) => c.id === card.id)!;
				expect(same.column).toBe('ready');
				expect(same.version).toBe(card.version + 1);
				expect(again.head).toBe(snapshot.head + 1);
			} finally {
				await stopApp(second);
			}
		} finally {
			await stopApp(first);
		}
	}, 180_000);

	it('stops with one clear line when the database is unreachable', async () => {
		const app = startApp({ PORT: String(await freePort()), HOST: '127.0.0.1', DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nowhere' });
		expect(await app.exited).toBe(1);
		expect(app.output().trim()).toMatch(/^\[workshop-board\] cannot start: cannot reach the database at postgres:\/\/postgres@127\.0\.0\.1:1\/nowhere \(ECONNREFUSED\)/);
		expect(app.output()).not.toMatch(/\n\s+at /); // no stack trace
	});

	it('stops with one clear line when the port is in use', async () => {
		const busy = net.createServer();
		await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
		const taken = (busy.address() as net.AddressInfo).port;
		try {
			const app = startApp({ PORT: String(taken), HOST: '127.0.0.1' });
			expect(await app.exited).toBe(1);
			expect(app.output().trim()).toBe(
				`[workshop-board] cannot start: port ${taken} is already in use: stop what runs there or set PORT to another port`
			);
		} finally {
			busy.close();
		}
	});

	it('stops with one clear line when the data folder cannot be written', async () => {
		const app = startApp({
			PORT: String(await freePort()),
			HOST: '127.0.0.1',
			DATABASE_URL: undefined,
			DATA_DIR: '/etc/hostname/data'
		});
		expect(await app.exited).toBe(1);
		expect(app.output()).toContain('cannot start: the data folder /etc/hostname/data is not writable');
		expect(app.output()).not.toMatch(/\n\s+at /);
	});
});

/** Signs in through the sign-in form, as a browser posts it; returns the session cookie. */
async function signIn(base: string, username: string, password: string): Promise<string> {
	const response = await fetch(`${base}/login`, {
		method: 'POST',
		redirect: 'manual',
		headers: { origin: base, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({ username, password })
	});
	expect(response.status).toBe(303);
	const cookie = response.headers.getSetCookie().find((c) => c.startsWith('wb_session='));
	expect(cookie, 'a session cookie').toBeDefined();
	return cookie!.split(';')[0];
}
