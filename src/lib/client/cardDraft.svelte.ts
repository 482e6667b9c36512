import { untrack } from 'svelte';

/**
 * What a form on the card page holds while someone types: it follows the card as the server says
 * it (another screen's change shows at once) for as long as it is untouched; once edited, it keeps
 * the user's words, even when the card changed underneath (a version conflict), until saved or
 * reset. Create it while a component initialises (it runs an effect).
 *
 * ```ts
 * const draft = new Draft(() => ({ plate: page.detail.vehicle.plate }));
 * // <input bind:value={draft.value.plate}>; after a save: draft.reset()
 * ```
 */
export class Draft<T extends Record<string, unknown>> {
	value: T = $state() as T;
	#base = $state('');
	readonly #read: () => T;

	constructor(read: () => T) {
		this.#read = read;
		const first = untrack(read);
		this.value = first;
		this.#base = JSON.stringify(first);
		$effect.pre(() => {
			const next = read();
			untrack(() => {
				if (!this.dirty) this.value = next;
				this.#base = JSON.stringify(next);
			});
		});
	}

	/** differs from the card as the server last said it */
	get dirty() {
		return JSON.stringify(this.value) !== this.#base;
	}

	/** back to the card as it is */
	reset() {
		const next = untrack(this.#read);
		this.value = next;
		this.#base = JSON.stringify(next);
	}
}
