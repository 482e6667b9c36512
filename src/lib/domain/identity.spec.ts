import { describe, expect, it } from 'vitest';
import { normalizeMobile, normalizePlate, plateKey } from '$lib/domain/identity';

describe('a mainland mobile number', () => {
	it('is 11 digits starting 13–19, however it was typed', () => {
		expect(normalizeMobile('13812345678')).toBe('13812345678');
		expect(normalizeMobile('138 1234 5678')).toBe('13812345678');
		expect(normalizeMobile('+86 138-1234-5678')).toBe('13812345678');
		expect(normalizeMobile('008619912345678')).toBe('19912345678');
	});
	it('is not a landline, a short number, or a number starting 10, 11 or 12', () => {
		for (const bad of ['021-58881234', '1381234567', '138123456789', '12812345678', '10086', 'abc', ''])
			expect(normalizeMobile(bad), bad).toBeNull();
	});
});

describe('a mainland plate', () => {
	it('is written 沪A·12345 whatever separators or case were typed', () => {
		expect(normalizePlate('沪A12345')).toBe('沪A·12345');
		expect(normalizePlate('沪a 1234b')).toBe('沪A·1234B');
		expect(normalizePlate('沪A-12345')).toBe('沪A·12345');
		expect(normalizePlate('沪A·12345')).toBe('沪A·12345');
	});
	it('may be a green new-energy plate of six characters', () => {
		expect(normalizePlate('沪AD12345')).toBe('沪A·D12345');
		expect(normalizePlate('粤B12345F')).toBe('粤B·12345F');
	});
	it('may end in 学 or 挂', () => {
		expect(normalizePlate('京A1234学')).toBe('京A·1234学');
	});
	it('is not a plate without a province, with I or O, too short or too long', () => {
		for (const bad of ['A12345', '沪I12345', '沪A1234', '沪A1234567', '港A12345', '沪AO1234', ''])
			expect(normalizePlate(bad), bad).toBeNull();
	});
	it('compares by its key: the seed writes plates with a dot, older rows without', () => {
		expect(plateKey('沪A·12345')).toBe(plateKey('沪a12345'));
	});
});
