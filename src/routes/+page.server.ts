import * as stores from '$lib/server/db/stores';
import { getServices } from '$lib/server/services';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async () => ({ stores: await stores.list(getServices().sql) });
