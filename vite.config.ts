import { sveltekit } from '@sveltejs/kit/vite';
import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { defineConfig } from 'vitest/config';
import type { Plugin } from 'vite';
import type { Server as HttpServer } from 'node:http';

/**
 * In `vite dev`, attach Socket.IO to Vite's own HTTP server so that one port serves pages, the
 * JSON API and the sockets, exactly as the production entry (src/server/start.ts) does.
 */
function realtimeInDev(): Plugin {
	return {
		name: 'workshop-board-realtime',
		apply: (_config, env) => env.command === 'serve' && !process.env.VITEST,
		async configureServer(server) {
			if (!server.httpServer) return;
			const load = <T>(id: string) => server.ssrLoadModule(id) as Promise<T>;
			const { startServices } = await load<typeof import('./src/lib/server/services')>(
				'/src/lib/server/services.ts'
			);
			const { prepareDatabase } = await load<typeof import('./src/lib/server/db/prepare')>(
				'/src/lib/server/db/prepare.ts'
			);
			const { readConfig } = await load<typeof import('./src/lib/server/config')>(
				'/src/lib/server/config.ts'
			);
			const database = await prepareDatabase(readConfig(), (line) => console.log(line));
			// Vite serves plain HTTP here (no `server.https`), so its server is a node:http server
			const httpServer = server.httpServer as HttpServer;
			await startServices({ httpServer, databaseUrl: database.url });
		}
	};
}

export default defineConfig({
	plugins: [
		// vitest tests no screen; the compiler's file watcher would keep vitest from exiting
		!process.env.VITEST &&
			paraglideVitePlugin({
				project: './src/lib/i18n/project.inlang',
				outdir: './src/lib/paraglide',
				strategy: ['cookie', 'preferredLanguage', 'baseLocale']
			}),
		sveltekit(),
		realtimeInDev()
	],
	server: { port: 3000 },
	test: {
		include: ['src/**/*.spec.ts', 'tests/integration/**/*.test.ts'],
		testTimeout: 30_000,
		hookTimeout: 60_000,
		fileParallelism: false
	}
});
