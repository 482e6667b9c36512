import { loadCardPage } from './card.server';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = (event) => loadCardPage(event);
