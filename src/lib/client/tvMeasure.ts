import type { Attachment } from 'svelte/attachments';

/**
 * Reports an element's content height in px, fractions included (bind:clientHeight rounds, and a
 * rounded height can let a column believe one more card fits than really does), now and on every
 * resize.
 *
 * @example
 * <ol {@attach heightOf((px) => (listHeight = px))}>…</ol>
 */
export function heightOf(report: (px: number) => void): Attachment<HTMLElement> {
	return (element) => {
		const observer = new ResizeObserver(([entry]) => report(entry.contentRect.height));
		observer.observe(element);
		return () => observer.disconnect();
	};
}
