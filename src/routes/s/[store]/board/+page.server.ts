import { loadBoardPage } from '$lib/server/board/pageData';
import type { PageServerLoad } from './$types';

// the first screenful and the column counts; the rest comes with the screen's first board:sync
export const load: PageServerLoad = (event) => loadBoardPage(event, { whole: false });
