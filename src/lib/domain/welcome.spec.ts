import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { COLUMNS } from './board';
import {
	APPOINTMENT_STATUSES,
	greetingSurname,
	honorific,
	maskPlate,
	paginate,
	PROGRESS_TONE,
	REREAD_MS,
	rereadDue,
	surnameInPinyin,
	welcomeStatus
} from './welcome';

const card = (column: (typeof COLUMNS)[number], archived = false) => ({ column, archived });

describe('what the welcome board tells a customer', () => {
	it('says expected until the car is in a bay, arrived once reception has checked it in', () => {
		expect(welcomeStatus('tentative', null)).toBe('expected');
		expect(welcomeStatus('confirmed', card('confirmed'))).toBe('expected');
		expect(welcomeStatus('tentative', card('prep'))).toBe('expected');
		expect(welcomeStatus('arrived', null)).toBe('arrived');
		expect(welcomeStatus('arrived', card('confirmed'))).toBe('arrived');
	});

	it('says in service while the car is in a bay, in QC or at the wash, whatever the booking says', () => {
		// moving a card does not touch the appointment: a confirmed one moved to a bay is in service
		for (const column of ['inBay', 'qc', 'wash'] as const) {
			expect(welcomeStatus('confirmed', card(column))).toBe('inService');
			expect(welcomeStatus('arrived', card(column))).toBe('inService');
		}
	});

	it('says ready for pickup at handover', () => {
		expect(welcomeStatus('arrived', card('handover'))).toBe('ready');
	});

	it('lists nobody cancelled, absent, or already gone with their car', () => {
		for (const column of COLUMNS) {
			expect(welcomeStatus('cancelled', card(column))).toBeNull();
			expect(welcomeStatus('noShow', card(column))).toBeNull();
			expect(welcomeStatus('done', card(column))).toBeNull();
		}
		expect(welcomeStatus('cancelled', null)).toBeNull();
		expect(welcomeStatus('arrived', card('handover', true))).toBeNull();
	});

	it('gives every status a progress colour: red waiting, yellow on the lift, green done', () => {
		expect(PROGRESS_TONE).toEqual({
			expected: 'neutral',
			arrived: 'waiting',
			inService: 'onLift',
			ready: 'done'
		});
		fc.assert(
			fc.property(
				fc.constantFrom(...APPOINTMENT_STATUSES),
				fc.option(fc.record({ column: fc.constantFrom(...COLUMNS), archived: fc.boolean() })),
				(appointment, c) => {
					const status = welcomeStatus(appointment, c);
					return status === null || PROGRESS_TONE[status] !== undefined;
				}
			)
		);
	});
});

describe('maskPlate', () => {
	it('keeps the province and letter, hides the middle, shows the last two', () => {
		expect(maskPlate('沪A·12345')).toBe('沪A·***45');
		expect(maskPlate('苏E·3K7L9')).toBe('苏E·***L9');
	});

	it('masks new-energy plates (six characters after the letter) the same way', () => {
		expect(maskPlate('沪A·D12345')).toBe('沪A·***45');
		expect(maskPlate('浙B·F0023K')).toBe('浙B·***3K');
	});

	it('accepts plates typed without the dot, with spaces or dashes, lower case or full width', () => {
		for (const typed of ['沪A12345', '沪A 12345', '沪a-12345', ' 沪Ａ１２３４５ ', '沪A•12345']) {
			expect(maskPlate(typed)).toBe('沪A·***45');
		}
	});

	it('never shows a short or truncated plate whole', () => {
		expect(maskPlate('沪A·123')).toBe('沪A·***');
		expect(maskPlate('沪A')).toBe('沪A·***');
		expect(maskPlate('沪')).toBe('***');
		expect(maskPlate('12')).toBe('***');
		expect(maskPlate('')).toBe('***');
	});

	it('reduces odd input to letters and digits, never passing markup or symbols on', () => {
		expect(maskPlate('<b>沪A·12345</b>')).toBe('***5B');
		expect(maskPlate('沪A·12😀345')).toBe('沪A·***45');
		expect(maskPlate('临时牌照')).toBe('***牌照');
		expect(maskPlate('\u0000\u200b沪A12345\n')).toBe('沪A·***45');
	});

	it('hides at least as many characters as it shows after the region, for any input', () => {
		fc.assert(
			fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (plate) => {
				const masked = maskPlate(plate);
				const [, tail = ''] = masked.split('***');
				expect(masked).toContain('***');
				expect(Array.from(tail).length).toBeLessThanOrEqual(2);
				expect(masked).toMatch(/^(\p{Script=Han}[A-Z]·)?\*\*\*[\p{L}\p{N}]{0,2}$/u);
			})
		);
	});
});

describe('greeting a customer', () => {
	it('keeps only the surname, even when a whole name was typed into the field', () => {
		expect(greetingSurname('王')).toBe('王');
		expect(greetingSurname('王小明')).toBe('王');
		expect(greetingSurname('欧阳')).toBe('欧阳');
		expect(greetingSurname('欧阳娜娜')).toBe('欧阳');
		expect(greetingSurname(' Smith John ')).toBe('Smith');
		expect(greetingSurname("O'Neil")).toBe("O'Neil");
		expect(greetingSurname('')).toBe('');
		expect(greetingSurname('<script>')).toBe('script');
	});

	it('says Mr for 先生 and Ms for 女士 (never Mrs or Miss: 女士 says nothing of marriage)', () => {
		expect(honorific('先生')).toBe('mr');
		expect(honorific('女士')).toBe('ms');
		expect(honorific('')).toBe('none');
		expect(honorific('小姐')).toBe('none');
	});

	it('reads surnames as surnames in pinyin, and leaves unknown ones as they are', () => {
		expect(surnameInPinyin('王')).toBe('Wang');
		expect(surnameInPinyin('曾')).toBe('Zeng');
		expect(surnameInPinyin('单')).toBe('Shan');
		expect(surnameInPinyin('解')).toBe('Xie');
		expect(surnameInPinyin('吕')).toBe('Lü');
		expect(surnameInPinyin('欧阳')).toBe('Ouyang');
		expect(surnameInPinyin('Smith')).toBe('Smith');
		expect(surnameInPinyin('㐂')).toBe('㐂');
	});

	it('knows every surname the demo store seeds', () => {
		const seeded = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈任姚卢姜崔钟谭陆汪范金石廖贾夏顾毛龚邵钱严戴孔汤';
		for (const surname of seeded) expect(surnameInPinyin(surname)).toMatch(/^[A-Z][a-zü]+$/);
	});
});

describe('rereadDue: the board reads again by itself', () => {
	const readAt = Date.parse('2026-03-09T15:58:00.000Z'); // 23:58 in Shanghai
	const board = { today: '2026-03-09', readAt };

	it("at the store's midnight, not UTC's or the screen's", () => {
		expect(rereadDue(Date.parse('2026-03-09T15:59:59.999Z'), board, 'Asia/Shanghai')).toBe(false);
		expect(rereadDue(Date.parse('2026-03-09T16:00:00.000Z'), board, 'Asia/Shanghai')).toBe(true);
		// the same instant is still the 9th in Urumqi (UTC+6): its board keeps its day
		expect(rereadDue(Date.parse('2026-03-09T16:00:00.000Z'), board, 'Asia/Urumqi')).toBe(false);
	});

	it('when the backstop interval has passed without any news', () => {
		const noon = { today: '2026-03-10', readAt: Date.parse('2026-03-10T04:00:00.000Z') };
		expect(rereadDue(noon.readAt + REREAD_MS - 1, noon, 'Asia/Shanghai')).toBe(false);
		expect(rereadDue(noon.readAt + REREAD_MS, noon, 'Asia/Shanghai')).toBe(true);
	});
});

describe('paginate', () => {
	const rows = Array.from({ length: 7 }, (_, i) => i + 1);

	it('fills down each column, then the next, then the next page', () => {
		expect(paginate(rows, 2, 2)).toEqual([
			[
				[1, 2],
				[3, 4]
			],
			[[5, 6], [7]]
		]);
		expect(paginate(rows, 10, 2)).toEqual([[[1, 2, 3, 4, 5, 6, 7]]]);
	});

	it('shows at least one row per page, and no page for no rows', () => {
		expect(paginate(rows, 0, 0)).toHaveLength(7);
		expect(paginate([], 5, 2)).toEqual([]);
	});

	it('keeps every row exactly once, in order', () => {
		fc.assert(
			fc.property(
				fc.array(fc.integer(), { maxLength: 60 }),
				fc.integer({ min: 1, max: 12 }),
				fc.integer({ min: 1, max: 3 }),
				(xs, perColumn, columns) => {
					expect(paginate(xs, perColumn, columns).flat(2)).toEqual(xs);
				}
			)
		);
	});
});
