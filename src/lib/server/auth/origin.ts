/**
 * Cross-site WebSocket hijacking: a page on another site opening a socket to us would carry the
 * user's cookies. Browsers always send `Origin` on a WebSocket handshake, so a foreign one is
 * refused. With an allow-list (ALLOWED_ORIGINS) only those origins pass; without one, only the
 * origin of the host the request was sent to. A handshake with no Origin is not from a browser
 * page (scripts, integrations) and still needs a credential.
 */
export function originAllowed(
	origin: string | undefined,
	host: string | undefined,
	allowList: readonly string[] = []
): boolean {
	if (origin === undefined) return true;
	if (allowList.length > 0) return allowList.includes(origin);
	try {
		return host !== undefined && new URL(origin).host === host;
	} catch {
		return false;
	}
}

/** The cookies of a `Cookie` header (first value of each name wins, as browsers send them). */
export function parseCookies(header: string | undefined): Record<string, string> {
	const cookies: Record<string, string> = {};
	if (!header || header.length > 8192) return cookies;
	for (const part of header.split(';')) {
		const eq = part.indexOf('=');
		if (eq < 0) continue;
		const name = part.slice(0, eq).trim();
		if (!name || name in cookies) continue;
		let value = part.slice(eq + 1).trim();
		if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
		try {
			cookies[name] = decodeURIComponent(value);
		} catch {
			cookies[name] = value;
		}
	}
	return cookies;
}
