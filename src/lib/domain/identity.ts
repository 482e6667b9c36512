/**
 * How a customer's phone number and a vehicle's plate are written and compared. Pure: the booking
 * command validates with it, the search normalises with it. (No I/O: the booking screen may move
 * it to src/lib/domain to check as the advisor types.)
 */

/**
 * A mainland China mobile number, as staff type it: spaces, dashes and a +86 / 0086 prefix are
 * allowed; what remains is 11 digits starting 13–19. Returns the 11 digits, or null.
 */
export function normalizeMobile(input: string): string | null {
	const digits = input.replace(/[\s-]/g, '').replace(/^(\+86|0086)/, '');
	return /^1[3-9]\d{9}$/.test(digits) ? digits : null;
}

/** the provinces' one-character abbreviations that open a mainland plate (GA 36) */
const PROVINCES = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼';
// letters on plates skip I and O (they read as 1 and 0)
const L = 'A-HJ-NP-Z';
/** province, issuing-office letter, then 5 characters (ordinary) or 6 (new energy, green plate) */
const PLATE = new RegExp(`^[${PROVINCES}][${L}](?:[${L}0-9]{5}|[DF][${L}0-9]{5}|\\d{5}[DF])$`);
/** ordinary plates may end in 学 (driving school) or 挂 (trailer) instead of the fifth character */
const SPECIAL_PLATE = new RegExp(`^[${PROVINCES}][${L}][${L}0-9]{4}[学挂]$`);

/** The plate without the separators people type (·, space, dash), in upper case. */
export const plateKey = (input: string) =>
	input.normalize('NFKC').replace(/[·•・.\s-]/g, '').toUpperCase();

/**
 * A mainland plate, written as the board shows plates (沪A·12345), or null when it is not one.
 * 沪a 12345, 沪A-12345 and 沪A12345 are the same plate.
 */
export function normalizePlate(input: string): string | null {
	const key = plateKey(input);
	if (!PLATE.test(key) && !SPECIAL_PLATE.test(key)) return null;
	return `${key.slice(0, 2)}·${key.slice(2)}`;
}
