/**
 * One clock for the whole board. It changes its value once a minute, so the stop-work durations
 * and the header clock update together and nothing else re-renders in between.
 */
export class MinuteClock {
	now = $state(minute(Date.now()));
	#timer: ReturnType<typeof setInterval> | undefined;

	start() {
		this.now = minute(Date.now());
		this.#timer = setInterval(() => {
			const next = minute(Date.now());
			if (next !== this.now) this.now = next;
		}, 1_000);
		return () => clearInterval(this.#timer);
	}
}

const minute = (ms: number) => Math.floor(ms / 60_000) * 60_000;
