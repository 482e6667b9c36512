/** Small numeric helpers of the benchmark: percentiles, clocks, formatting. */

/** Milliseconds on CLOCK_MONOTONIC: the same clock in every process of this machine. */
export const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

export interface Summary {
	n: number;
	p50: number;
	p90: number;
	p99: number;
	max: number;
	mean: number;
}

/** Nearest-rank percentiles of `values` (sorted in place). */
export function summarize(values: number[] | Float64Array): Summary {
	const v = Float64Array.from(values).sort();
	const n = v.length;
	if (n === 0) return { n: 0, p50: NaN, p90: NaN, p99: NaN, max: NaN, mean: NaN };
	const at = (p: number) => v[Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1))];
	let sum = 0;
	for (const x of v) sum += x;
	return { n, p50: at(50), p90: at(90), p99: at(99), max: v[n - 1], mean: sum / n };
}

export const round = (x: number, digits = 2) =>
	Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : x;

export const fmt = (x: number | undefined, digits = 2) =>
	x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(digits);

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A fixed-width text table. */
export function table(header: string[], rows: (string | number)[][]): string {
	const cells = [header, ...rows.map((r) => r.map(String))];
	const width = header.map((_, i) => Math.max(...cells.map((r) => displayWidth(r[i] ?? ''))));
	const line = (r: string[]) =>
		r.map((c, i) => c + ' '.repeat(width[i] - displayWidth(c))).join('  ').trimEnd();
	return [line(cells[0]), width.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

function displayWidth(s: string): number {
	let w = 0;
	for (const ch of s) w += /[\u1100-\uffff]/.test(ch) && !/[≤≥×→←↔–—·…µ]/.test(ch) ? 2 : 1;
	return w;
}
