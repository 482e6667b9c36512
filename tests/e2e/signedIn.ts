import { test } from '@playwright/test';

/** The demo advisor the board and API tests act as (no other spec signs this one out everywhere). */
export const E2E_ADVISOR = 'advisor4';
/** where the setup project leaves the signed-in advisor's cookies */
export const ADVISOR_STATE = 'test-results/.auth/advisor.json';

/** A new browser context as the project's own pages get it: signed in, same locale and origin. */
export function contextOptions() {
	const { baseURL, locale, timezoneId, storageState, extraHTTPHeaders } = test.info().project.use;
	return { baseURL, locale, timezoneId, storageState, extraHTTPHeaders };
}
