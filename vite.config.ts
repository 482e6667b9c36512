import { sveltekit } from '@sveltejs/kit/vite';
import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { defineConfig, type Plugin } from 'vite';

/**
 * In `vite dev`, attach Socket.IO to Vite's own HTTP server so that one port serves pages, the
 * JSON API and the sockets, exactly as the production entry (src/server/start.ts) does.
 */
function realtimeInDev(): Plugin {
	return {
		name: 'workshop-board-realtime',
		apply: 'serve',
		async configureServer(server) {
			if (!server.httpServer) return;
			const { startServices } = (await server.ssrLoadModule(
				'/src/lib/server/services.ts'
			)) as typeof import('./src/lib/server/services');
			await startServices({ httpServer: server.httpServer });
		}
	};
}

export default defineConfig({
	plugins: [
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
