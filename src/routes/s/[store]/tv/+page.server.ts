import { loadBoardPage } from '$lib/server/board/pageData';
import type { PageServerLoad } from './$types';

// The TV reads what the board page reads (the same access check, the same renewal of a display's
// 400-day credential, the same snapshot), but all of it: its columns count the cards they page
// through from the first frame. Only its screen differs.
export const load: PageServerLoad = (event) => loadBoardPage(event, { whole: true });
