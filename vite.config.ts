import { sveltekit } from '@sveltejs/kit/vite';
import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { defineConfig } from 'vitest/config';
import type { Plugin } from 'vite';
import type { Server as HttpServer } from 'node:http';
import path from 'node:path';

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

/**
 * The board's socket speaks WebSocket only (`transports: ['websocket']` in src/lib/client/socket.ts:
 * no sticky sessions behind several instances). engine.io-client's Socket still imports every
 * transport (long-polling over XHR, WebTransport) as its default table, which tree-shaking cannot
 * drop; in the browser build that table is replaced by one holding only the WebSocket transport
 * (which takes over a board page's early socket: src/lib/client/earlySocket.ts),
 * and the package's modules are marked free of side effects so the unused transports fall away.
 */
function websocketOnlyEngine(): Plugin {
	const id = '\0engine-io-websocket-only';
	let websocket = '';
	let root = process.cwd();
	return {
		name: 'workshop-board-websocket-only-engine',
		configResolved(config) {
			root = config.root;
		},
		enforce: 'pre',
		apply: 'build',
		applyToEnvironment: (environment) => environment.config.consumer === 'client',
		resolveId(source, importer) {
			if (source === './transports/index.js' && importer && /engine\.io-client[\\/]build[\\/]esm[\\/]socket\.js$/.test(importer)) {
				websocket = path.join(path.dirname(importer), 'transports', 'websocket.js');
				return id;
			}
		},
		transform(code, module) {
			// its modules' top-level work only probes the browser (XHR2, WebTransport): nothing the
			// WebSocket transport needs, so an unused module may be left out whole
			if (/engine\.io-client[\\/]build[\\/]esm[\\/]/.test(module)) return { code, moduleSideEffects: false };
		},
		load(loaded) {
			if (loaded !== id) return;
			// the transport takes over a board page's early socket (src/lib/client/earlySocket.ts)
			const adopting = path.join(root, 'src/lib/client/earlySocket.ts');
			return [
				`import { WS } from ${JSON.stringify(websocket)};`,
				`import { adoptingTransport } from ${JSON.stringify(adopting)};`,
				`export const transports = { websocket: adoptingTransport(WS) };`
			].join('\n');
		}
	};
}

/**
 * dnd-kit's default preset (its Accessibility plugin, whose announcements are English, and its
 * keyboard sensor, which moves by pixels) is what a DragDropManager gets when it is given no
 * sensors or plugins. The board always gives its own (src/lib/components/dnd/DndLayer.svelte: the
 * pointer sensor, and the plugins it wants; the keyboard path and the spoken words are BoardUi's),
 * so the preset is never used, but tree-shaking cannot see that: in the browser build it is empty,
 * and both fall out of the drag-and-drop chunk. Fails the build if dnd-kit's source changed.
 */
function dndWithoutDefaultPreset(): Plugin {
	const preset = `var defaultPreset = {
  modifiers: [],
  plugins: [Accessibility, AutoScroller, Cursor, Feedback, PreventSelection],
  sensors: [PointerSensor, KeyboardSensor]
};`;
	return {
		name: 'workshop-board-dnd-without-default-preset',
		apply: 'build',
		applyToEnvironment: (environment) => environment.config.consumer === 'client',
		transform(code, module) {
			if (!/@dnd-kit[\\/]dom[\\/]index\.js$/.test(module)) return;
			if (!code.includes(preset)) {
				throw new Error('@dnd-kit/dom: its default preset is not where vite.config.ts looks for it');
			}
			return code.replace(preset, 'var defaultPreset = { modifiers: [], plugins: [], sensors: [] };');
		}
	};
}

/**
 * The board route's chunks. Rolldown's automatic splitting makes one chunk per set of routes that
 * share modules; with the card page, review, TV, welcome and booking each sharing some of the
 * board's components and messages, the board loaded 34 files, most of a few hundred bytes, each
 * compressed on its own (4–5 KB more than the same code in a few files). Here, besides one chunk
 * of what every page loads (Svelte, SvelteKit, Socket.IO — hooks.client.ts opens a board's socket
 * —, the paraglide runtime) and one of dnd-kit, what the board page reaches of our own code and
 * messages goes into three chunks:
 * - `common`: what the shell and the pages outside a store (home, sign-in, display pairing) use too;
 * - `board-shared`: what other pages of a store (card, review, TV, …) use too;
 * - `board`: the rest, the board's alone.
 * Our modules are followed through their static imports; a module's messages are read off its
 * code (`m.key(`), as paraglide's barrel imports every message. Other routes split as before.
 */
function boardChunks(): Plugin {
	type Info = { importedIds: readonly string[]; code: string | null } | null;
	const sep = String.raw`[\\/]`;
	const isBarrel = (id: string) => new RegExp(`paraglide${sep}messages(\\.js|${sep}_index\\.js)$`).test(id);
	const isMessage = (id: string) => new RegExp(`paraglide${sep}messages${sep}[^\\\\/]+\\.js$`).test(id) && !isBarrel(id);
	const isOwn = (id: string) =>
		new RegExp(`${sep}(src|\\.svelte-kit${sep}generated)${sep}`).test(id) &&
		!id.includes('node_modules') &&
		!/paraglide[\\/]runtime/.test(id);
	let groups: { common: Set<string>; shared: Set<string>; board: Set<string> } | null = null;
	let compute: () => NonNullable<typeof groups> = () => {
		throw new Error('board chunks: the module graph is not known yet');
	};
	const group = (name: 'common' | 'shared' | 'board') => (id: string) => (groups ??= compute())[name].has(id);
	return {
		name: 'workshop-board-chunks',
		apply: 'build',
		applyToEnvironment: (environment) => environment.config.consumer === 'client',
		buildEnd() {
			const info = (id: string) => this.getModuleInfo(id) as Info;
			const ids = [...this.getModuleIds()];
			// our modules statically reachable from `roots`, with the messages they use
			const reach = (roots: string[]) => {
				const seen = new Set<string>();
				const keys = new Set<string>();
				const todo = [...roots];
				while (todo.length) {
					const id = todo.pop()!;
					if (seen.has(id) || isBarrel(id) || !isOwn(id)) continue;
					seen.add(id);
					for (const k of info(id)?.code?.matchAll(/\bm\.([A-Za-z0-9_]+)\(/g) ?? []) keys.add(k[1]);
					todo.push(...(info(id)?.importedIds ?? []));
				}
				for (const id of ids) if (isMessage(id) && keys.has(path.basename(id, '.js'))) seen.add(id);
				return seen;
			};
			compute = () => {
				// SvelteKit's route nodes, by the route file each one loads
				const nodes = ids.filter((id) => new RegExp(`client-optimized${sep}nodes${sep}\\d+\\.js$`).test(id));
				const route = (node: string) => info(node)?.importedIds.find((i) => /[\\/]src[\\/]routes[\\/]/.test(i)) ?? '';
				const inStore = (node: string) => new RegExp(`routes${sep}s${sep}\\[store\\]${sep}`).test(route(node));
				const boardNode = nodes.filter((n) => new RegExp(`routes${sep}s${sep}\\[store\\]${sep}board${sep}\\+page\\.svelte$`).test(route(n)));
				if (boardNode.length !== 1) throw new Error('board chunks: the board route node was not found');
				const entry = ids.filter((id) => new RegExp(`client-optimized${sep}app\\.js$|${sep}src${sep}hooks`).test(id));
				const outside = reach([...entry, ...nodes.filter((n) => !inStore(n))]);
				const store = reach(nodes.filter((n) => inStore(n) && !boardNode.includes(n)));
				const board = [...reach(boardNode)];
				return {
					common: new Set(board.filter((id) => outside.has(id))),
					shared: new Set(board.filter((id) => !outside.has(id) && store.has(id))),
					board: new Set(board.filter((id) => !outside.has(id) && !store.has(id)))
				};
			};
			groups = null;
		},
		outputOptions(options) {
			const lib = (name: string, test: RegExp) => ({ name, priority: 20, test });
			return {
				...options,
				codeSplitting: {
					groups: [
						// what every page loads: one file
						lib(
							'runtime',
							/node_modules[\\/](svelte|esm-env|clsx|@sveltejs[\\/]kit|devalue|socket\.io-client|socket\.io-parser|engine\.io-client|engine\.io-parser|@socket\.io)[\\/]|^\0vite|engine-io-websocket-only|paraglide[\\/]runtime/
						),
						lib('dnd', /node_modules[\\/](@dnd-kit|@dnd-kit-svelte|@preact)[\\/]/),
						{ name: 'common', priority: 15, test: group('common') },
						{ name: 'board-shared', priority: 12, test: group('shared') },
						{ name: 'board', priority: 10, test: group('board') }
					]
				}
			};
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
		realtimeInDev(),
		websocketOnlyEngine(),
		dndWithoutDefaultPreset(),
		boardChunks()
	],
	server: { port: 3000 },
	// BUILD_SOURCEMAP=1: the browser's modules with source maps, to read a page's CPU profile
	// (tests/bench: BENCH_CPU_PROF); never in a build that is served to users
	environments: { client: { build: { sourcemap: process.env.BUILD_SOURCEMAP === '1' } } },
	test: {
		include: ['src/**/*.spec.ts', 'tests/integration/**/*.test.ts'],
		testTimeout: 30_000,
		hookTimeout: 60_000,
		fileParallelism: false
	}
});
