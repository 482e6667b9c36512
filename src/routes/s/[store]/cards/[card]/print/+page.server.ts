import { loadCardPage } from '../card.server';
import type { PageServerLoad } from './$types';

/** ?doc=workOrder (施工单, A4) or ?doc=label (零件筐标签, 100 × 60 mm) */
export const load: PageServerLoad = async (event) => ({
	...(await loadCardPage(event)),
	doc: event.url.searchParams.get('doc') === 'label' ? ('label' as const) : ('workOrder' as const)
});
