import type { ClientInit } from '@sveltejs/kit';
import { openAhead } from '$lib/client/socket';
import { isLocale, overwriteGetLocale } from '$lib/paraglide/runtime';

export const init: ClientInit = () => {
	// the page's steps to a live board, on its own clock (the bench prints them): the app starts
	performance.mark('wb:init');
	// A page's language is the one the server rendered it in (`<html lang>`, from the same cookie
	// or Accept-Language), and it never changes while the page lives: the language switch reloads
	// it. Paraglide would otherwise read and parse document.cookie on every word it translates,
	// 500 cards' worth (a cookie read is a synchronous round trip to the browser process).
	const lang = document.documentElement.lang;
	if (isLocale(lang)) overwriteGetLocale(() => lang);
	// a board's socket starts its handshake while the page hydrates
	openAhead(location.pathname);
};
