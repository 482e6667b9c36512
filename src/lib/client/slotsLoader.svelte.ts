import type { DaySlots } from '$lib/domain/capacity';
import { slots } from './appointments';

/**
 * The day's slots for what is being booked, re-read whenever the day, the jobs or the car change;
 * an answer that arrives after a newer question is dropped.
 */
export class SlotsLoader {
	slots = $state<DaySlots | null>(null);
	loading = $state(false);
	#asked = 0;

	constructor(private readonly store: string) {}

	async load(day: string, jobs: string[], vehicle?: number, appointment?: number) {
		const asked = ++this.#asked;
		if (jobs.length === 0 || !day) {
			this.slots = null;
			return;
		}
		this.loading = true;
		const answer = await slots(this.store, day, jobs, vehicle, appointment);
		if (asked !== this.#asked) return;
		this.loading = false;
		this.slots = answer.ok ? answer.data : null;
	}
}
