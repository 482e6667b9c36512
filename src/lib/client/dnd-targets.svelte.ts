import { SvelteMap } from 'svelte/reactivity';
import type { Attachment } from 'svelte/attachments';
import type { Column } from '$lib/domain/board';

/**
 * The elements pointer drag and drop works on, registered by the cards and columns as they
 * mount. The drag-and-drop layer (dnd-kit, loaded after the board is on screen) binds to them;
 * until then, and on a screen nobody touches, the board carries no drag machinery at all.
 */
export class DndTargets {
	readonly cards = new SvelteMap<number, HTMLElement>();
	readonly columns = new SvelteMap<Column, HTMLElement>();

	card(id: number): Attachment<HTMLElement> {
		return (element) => register(this.cards, id, element);
	}

	column(id: Column): Attachment<HTMLElement> {
		return (element) => register(this.columns, id, element);
	}
}

function register<K>(map: SvelteMap<K, HTMLElement>, key: K, element: HTMLElement) {
	map.set(key, element);
	return () => {
		// a card that moved columns mounts its new element before the old one goes
		if (map.get(key) === element) map.delete(key);
	};
}
