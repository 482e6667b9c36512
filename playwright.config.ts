import { defineConfig } from '@playwright/test';
import { ADVISOR_STATE } from './tests/e2e/signedIn';

const port = Number(process.env.E2E_PORT ?? 3100);
/** the visual baselines' own app: fixed clock, own database (tests/e2e/visual-server.ts) */
const visualPort = Number(process.env.VISUAL_PORT ?? 3101);

/** Debian's Chromium, never a downloaded browser. */
export const chromium = {
	executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
	args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-quic']
};

export default defineConfig({
	testDir: 'tests/e2e',
	fullyParallel: false,
	workers: 1,
	retries: 0,
	reporter: process.env.CI ? 'list' : 'line',
	timeout: 30_000,
	use: {
		baseURL: `http://127.0.0.1:${port}`,
		headless: true,
		locale: 'zh-CN',
		timezoneId: 'Asia/Shanghai',
		launchOptions: chromium
	},
	projects: [
		{ name: 'sign-in', testMatch: /\.setup\.ts$/ },
		{
			// the board as a signed-in advisor; API writes carry the page's own Origin, as a browser does
			name: 'board',
			testMatch: ['board.spec.ts', 'api.spec.ts'],
			dependencies: ['sign-in'],
			use: {
				storageState: ADVISOR_STATE,
				extraHTTPHeaders: { origin: `http://127.0.0.1:${port}` }
			}
		},
		{
			// sign-in, sign-out, pairing: each test signs in (or not) by itself
			name: 'auth',
			testIgnore: [/\.setup\.ts$/, 'board.spec.ts', 'api.spec.ts', /\.visual\.ts$/]
		},
		{
			// screenshots compared with the committed baselines (tests/e2e/__screenshots__); after a
			// deliberate change of a page: npx playwright test --project visual --update-snapshots
			name: 'visual',
			testMatch: /\.visual\.ts$/,
			use: { baseURL: `http://127.0.0.1:${visualPort}` }
		}
	],
	snapshotPathTemplate: '{testDir}/__screenshots__/{testFilePath}/{arg}{ext}',
	expect: {
		toHaveScreenshot: { animations: 'disabled', caret: 'hide', maxDiffPixelRatio: 0.002 }
	},
	webServer: [
		{
			command: 'npx tsx tests/e2e/server.ts',
			url: `http://127.0.0.1:${port}/`,
			reuseExistingServer: false,
			timeout: 60_000,
			stdout: 'pipe',
			env: { E2E_PORT: String(port), SEED_DEMO: 'true' }
		},
		{
			command: 'npx tsx tests/e2e/visual-server.ts',
			url: `http://127.0.0.1:${visualPort}/login`,
			reuseExistingServer: false,
			timeout: 60_000,
			stdout: 'pipe',
			env: { VISUAL_PORT: String(visualPort), SEED_DEMO: 'true' }
		}
	]
});
