/**
 * The bare baseline: a plain Socket.IO server (websocket only, no database, no Redis) that takes
 * the same `card:move` command, bumps the card in memory, acks, and re-broadcasts the same
 * `card:moved` event shape to the store's room. What's left of the app's latency is the app's own.
 *
 *   node --import tsx tests/bench/baseline-server.ts <port> <cards.json>
 */
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { Server } from 'socket.io';

const [portArg, cardsFile] = process.argv.slice(2);
const boards = JSON.parse(readFileSync(cardsFile, 'utf8')) as Record<string, { id: number; column: string; version: number }[]>;
const cards = new Map<number, { slug: string; card: { id: number; column: string; version: number } }>();
for (const [slug, list] of Object.entries(boards)) for (const card of list) cards.set(card.id, { slug, card });
const seqs = new Map<string, number>();

const http = createServer((_req, res) => res.writeHead(404).end());
const io = new Server(http, { transports: ['websocket'], maxHttpBufferSize: 16 * 1024, serveClient: false });

io.use((socket, next) => {
	const slug = (socket.handshake.auth as { store?: unknown })?.store;
	if (typeof slug !== 'string' || !(slug in boards)) return next(new Error('storeNotFound'));
	socket.data.slug = slug;
	next();
});

io.on('connection', (socket) => {
	const slug = socket.data.slug as string;
	socket.join(`store:${slug}`);
	socket.on('card:move', (command: { cardId: number; to: string; expectedVersion: number }, ack: (r: unknown) => void) => {
		if (typeof ack !== 'function') return;
		const entry = cards.get(command?.cardId);
		if (!entry || entry.slug !== slug) return ack({ ok: false, error: { code: 'cardNotFound', message: 'no card' } });
		if (entry.card.version !== command.expectedVersion) {
			return ack({ ok: false, error: { code: 'versionConflict', message: 'version', card: entry.card } });
		}
		const from = entry.card.column;
		const seq = (seqs.get(slug) ?? 0) + 1;
		seqs.set(slug, seq);
		entry.card = { ...entry.card, column: command.to, version: entry.card.version + 1 };
		const at = new Date().toISOString();
		const event = { seq, type: 'card:moved', card: { ...entry.card, columnEnteredAt: at }, from, at, actor: 'anonymous' };
		ack({ ok: true, data: { event, replayed: false } });
		io.to(`store:${slug}`).emit('card:moved', event);
	});
});

http.listen(Number(portArg), '127.0.0.1', () => console.log(`baseline ready on ${portArg}`));
process.on('SIGTERM', () => process.exit(0));
