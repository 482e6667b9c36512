export interface Toast {
	id: number;
	kind: 'error' | 'info';
	title: string;
	body?: string;
}

const SHOW_MS = { error: 8_000, info: 4_000 };
const MAX_SHOWN = 4;

/** Short visible messages: a refused or failed move, in the user's language. */
export class Toasts {
	items = $state<Toast[]>([]);
	#next = 1;

	push(kind: Toast['kind'], title: string, body?: string) {
		const toast = { id: this.#next++, kind, title, body };
		this.items = [...this.items.slice(-(MAX_SHOWN - 1)), toast];
		setTimeout(() => this.dismiss(toast.id), SHOW_MS[kind]);
	}

	dismiss(id: number) {
		this.items = this.items.filter((t) => t.id !== id);
	}
}

/** What a screen reader hears: keyboard and drag progress, said once each. */
export class Announcer {
	message = $state('');

	say(text: string) {
		// a repeated sentence must still be spoken: change the text node even when equal
		this.message = this.message === text ? `${text}\u00a0` : text;
	}
}
