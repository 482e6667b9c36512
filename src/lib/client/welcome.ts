import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';
import {
	honorific,
	surnameInPinyin,
	type WelcomeRow,
	type WelcomeStatus
} from '$lib/domain/welcome';

/** How the board addresses a customer: 王先生 / Mr Wang, 李女士 / Ms Li. */
export function guestName(row: Pick<WelcomeRow, 'surname' | 'title'>): string {
	if (!row.surname) return m.welcome_name_anonymous();
	const surname = getLocale() === 'en' ? surnameInPinyin(row.surname) : row.surname;
	switch (honorific(row.title)) {
		case 'mr':
			return m.welcome_name_mr({ surname });
		case 'ms':
			return m.welcome_name_ms({ surname });
		default:
			return m.welcome_name_untitled({ surname });
	}
}

/**
 * The greeting around the name, split so that the name can be set apart: "王先生 欢迎您" →
 * ['', '王先生', ' 欢迎您']; "Welcome, Mr Wang" → ['Welcome, ', 'Mr Wang', ''].
 */
export function greeting(name: string): [before: string, name: string, after: string] {
	const MARK = '\u0000';
	const [before, after = ''] = m.welcome_greeting({ name: MARK }).split(MARK);
	return [before, name, after];
}

export const STATUS_LABEL: Record<WelcomeStatus, () => string> = {
	expected: m.welcome_status_expected,
	arrived: m.welcome_status_arrived,
	inService: m.welcome_status_in_service,
	ready: m.welcome_status_ready
};
