import { describe, expect, it } from 'vitest';
import {
	fenFromYuan,
	historyListChange,
	historyNote,
	historyValue,
	hours,
	minutesFromHours,
	plateParts,
	wholeNumber,
	yuanFromFen
} from './cardLabels';

describe('what the card page reads from its inputs', () => {
	it('takes labour as hours and keeps minutes; what is not a number stays NaN for the schema', () => {
		expect(minutesFromHours('1.5')).toBe(90);
		expect(minutesFromHours(' 2 ')).toBe(120);
		expect(minutesFromHours('0,25')).toBe(15);
		expect(minutesFromHours('')).toBeNaN();
		expect(minutesFromHours('-1')).toBeNaN();
		expect(minutesFromHours('1.5h')).toBeNaN();
	});

	it('takes prices in yuan with at most two decimals, keeps fen', () => {
		expect(fenFromYuan('120.5')).toBe(12050);
		expect(fenFromYuan('¥180.50')).toBe(18050);
		expect(fenFromYuan('0')).toBe(0);
		expect(fenFromYuan('1.234')).toBeNaN();
		expect(fenFromYuan('-3')).toBeNaN();
		expect(yuanFromFen(12050)).toBe('120.50');
		expect(yuanFromFen(30000)).toBe('300');
	});

	it('takes whole kilometres, with or without thousands separators', () => {
		expect(wholeNumber('34,405')).toBe(34405);
		expect(wholeNumber('-5')).toBeNaN();
		expect(wholeNumber('12.5')).toBeNaN();
	});
});

describe('what the card page shows', () => {
	it('shows minutes as hours', () => {
		expect(hours(90)).toContain('1.5');
		expect(hours(15)).toContain('0.25');
	});

	it('splits a plate at its middle dot, whichever dot was typed', () => {
		expect(plateParts('沪A·12345')).toEqual({ head: '沪A', dot: '·', tail: '12345' });
		expect(plateParts('沪A•12345')).toEqual({ head: '沪A', dot: '·', tail: '12345' });
		expect(plateParts('沪A12345')).toEqual({ head: '沪A12345', dot: '', tail: '' });
	});

	it('tells a changed list by what was added and taken off', () => {
		expect(historyListChange('handoverChecks', ['partsShown'], ['partsShown', 'vehicleClean'])).toEqual({
			added: [historyValue('handoverChecks', ['vehicleClean'])],
			removed: []
		});
		expect(historyListChange('plate', 'a', 'b')).toBeNull();
	});

	it('words the server’s fixed notes, leaves typed ones as they are', () => {
		expect(historyNote('左前轮异响仍在')).toBe('左前轮异响仍在');
		expect(historyNote('followUp 2026-11-27')).toContain('2026-11-27');
		expect(historyNote('更换雨刮片 · phone')).not.toContain('phone');
	});
});
