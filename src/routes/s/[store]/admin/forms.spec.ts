import { describe, expect, it } from 'vitest';
import { readId, readPairForm, readTokenForm } from './forms';

const form = (fields: Record<string, string>) => {
	const data = new FormData();
	for (const [name, value] of Object.entries(fields)) data.set(name, value);
	return data;
};
// the same rules as the server's displays module, so that this spec needs no database
const code = {
	normalise: (typed: string) => typed.toUpperCase().replace(/[\s-]/g, ''),
	isShaped: (c: string) => /^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{6}$/.test(c)
};

describe('readPairForm', () => {
	it('accepts a code as people type it', () => {
		expect(readPairForm(form({ code: ' 7kq-m3p ', kind: 'wall', name: ' 车间大屏 ' }), code)).toEqual({
			ok: true,
			code: '7KQM3P',
			kind: 'wall',
			name: '车间大屏'
		});
	});

	it('says what is wrong with each field and keeps what was typed', () => {
		expect(readPairForm(form({ code: '7KQ-M3', kind: 'kitchen', name: '' }), code)).toEqual({
			ok: false,
			values: { code: '7KQ-M3', kind: 'kitchen', name: '' },
			errors: { code: 'shape', kind: 'invalid', name: 'required' }
		});
		expect(readPairForm(form({ code: ' - ', kind: 'welcome', name: 'x' }), code)).toMatchObject({
			errors: { code: 'required' }
		});
	});

	it('counts a name in characters: 40 Chinese characters pass, 41 do not', () => {
		const ok = readPairForm(form({ code: '7KQM3P', kind: 'wall', name: '屏'.repeat(40) }), code);
		expect(ok.ok).toBe(true);
		const long = readPairForm(form({ code: '7KQM3P', kind: 'wall', name: '屏'.repeat(41) }), code);
		expect(long).toMatchObject({ ok: false, errors: { name: 'tooLong' } });
	});
});

describe('readTokenForm', () => {
	it('accepts a staff role only', () => {
		expect(readTokenForm(form({ name: 'DMS', role: 'advisor' }))).toEqual({
			ok: true,
			name: 'DMS',
			role: 'advisor'
		});
		for (const role of ['groupAdmin', 'display', '']) {
			expect(readTokenForm(form({ name: 'DMS', role }))).toMatchObject({
				ok: false,
				errors: { role: 'invalid' }
			});
		}
	});
});

describe('readId', () => {
	it('reads a positive integer and nothing else', () => {
		expect(readId(form({ id: '12' }))).toBe(12);
		for (const id of ['0', '-1', '1.5', '1e3', ' 2', '9'.repeat(20), '']) {
			expect(readId(form({ id }))).toBeNull();
		}
	});
});
