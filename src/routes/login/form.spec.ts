import { describe, expect, it } from 'vitest';
import { readSignInForm, safeNext } from './form';

const form = (fields: Record<string, string>) => {
	const data = new FormData();
	for (const [name, value] of Object.entries(fields)) data.set(name, value);
	return data;
};

describe('readSignInForm', () => {
	it('accepts a user name and a password, trimming only the name', () => {
		expect(readSignInForm(form({ username: ' advisor1 ', password: ' demo1234 ' }))).toEqual({
			ok: true,
			username: 'advisor1',
			password: ' demo1234 '
		});
	});

	it('says which field is missing and keeps the typed name', () => {
		expect(readSignInForm(form({ username: 'tech1', password: '' }))).toEqual({
			ok: false,
			username: 'tech1',
			errors: { password: 'required' }
		});
		expect(readSignInForm(form({}))).toMatchObject({
			ok: false,
			errors: { username: 'required', password: 'required' }
		});
	});

	it('refuses a name over 64 and a password over 256 characters', () => {
		const result = readSignInForm(form({ username: 'a'.repeat(65), password: 'p'.repeat(257) }));
		expect(result).toMatchObject({
			ok: false,
			errors: { username: 'tooLong', password: 'tooLong' }
		});
		expect(readSignInForm(form({ username: 'a'.repeat(64), password: 'p'.repeat(256) })).ok).toBe(
			true
		);
	});
});

describe('safeNext', () => {
	it('keeps a local path with its query', () => {
		expect(safeNext('/s/demo/board')).toBe('/s/demo/board');
		expect(safeNext('/s/demo/admin?tab=1')).toBe('/s/demo/admin?tab=1');
	});

	it('sends anything else home', () => {
		const elsewhere = [
			null,
			'',
			'https://evil.example/',
			'//evil.example',
			'/\\evil.example',
			's/demo',
			'/\t/evil.example',
			'javascript:alert(1)'
		];
		for (const next of elsewhere) {
			expect(safeNext(next)).toBe('/');
		}
	});
});
