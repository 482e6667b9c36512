import { describe, expect, it } from 'vitest';
import { originAllowed, parseCookies } from './origin';

describe('which Origin may open a socket', () => {
	it('without an allow-list: only the host the request was sent to', () => {
		expect(originAllowed('http://127.0.0.1:3000', '127.0.0.1:3000')).toBe(true);
		expect(originAllowed('https://board.example.com', 'board.example.com')).toBe(true);
		expect(originAllowed('http://evil.example', '127.0.0.1:3000')).toBe(false);
		// same host name, another port: another origin
		expect(originAllowed('http://127.0.0.1:3001', '127.0.0.1:3000')).toBe(false);
		expect(originAllowed('null', '127.0.0.1:3000')).toBe(false);
		expect(originAllowed('http://127.0.0.1:3000', undefined)).toBe(false);
	});
	it('with an allow-list: exactly those origins, whatever the Host header says', () => {
		const list = ['https://board.example.com'];
		expect(originAllowed('https://board.example.com', 'internal:3000', list)).toBe(true);
		expect(originAllowed('http://board.example.com', 'board.example.com', list)).toBe(false);
		expect(originAllowed('http://internal:3000', 'internal:3000', list)).toBe(false);
	});
	it('no Origin at all is not a browser page: allowed here, a credential is still required', () => {
		expect(originAllowed(undefined, '127.0.0.1:3000')).toBe(true);
	});
});

describe('reading a Cookie header', () => {
	it('reads names and values, the first of a repeated name wins', () => {
		expect(parseCookies('a=1; wb_session=abc; a=2')).toEqual({ a: '1', wb_session: 'abc' });
	});
	it('decodes, strips quotes, ignores junk', () => {
		expect(parseCookies('x="q%20r"; junk; =v; y=%E0%A4')).toEqual({ x: 'q r', y: '%E0%A4' });
	});
	it('ignores a header too long to be real', () => {
		expect(parseCookies(`a=${'x'.repeat(9000)}`)).toEqual({});
		expect(parseCookies(undefined)).toEqual({});
	});
});
