/**
 * The realtime contract: every Socket.IO event name and payload, imported by the server and the
 * browser alike so that neither can drift. Commands are `entity:verb`, facts are past tense.
 */
import type { BoardCard, Column } from '$lib/domain/board';
import { fullCard, type SparseCard } from '$lib/domain/sparseCard';
import type { MoveRefusal } from '$lib/domain/transitions';
import type { BookingRefusal } from '$lib/domain/capacity';
import type { CardEdit, CardEditKind, EditRefusal } from '$lib/domain/card';

export type ErrorCode =
	| 'invalidInput'
	| 'unauthenticated'
	| 'forbidden'
	| 'storeNotFound'
	| 'cardNotFound'
	| 'versionConflict'
	| 'moveRefused'
	| 'editRefused'
	| 'rateLimited'
	| 'unavailable'
	| 'internal';

export interface CommandError {
	code: ErrorCode;
	/** precise English message for logs and API clients; screens show their own words per code */
	message: string;
	/** for moveRefused: which rule refused it */
	reason?: MoveRefusal;
	/** for editRefused: which rule refused the card edit */
	editReason?: EditRefusal;
	/** for invalidInput of a card edit: the field at fault (e.g. 'plate', 'vin', 'mileageKm') */
	field?: string;
	/** for versionConflict: the card as it is now, so the screen can show the true state */
	card?: BoardCard;
}

export type Ack<T> = { ok: true; data: T } | { ok: false; error: CommandError };

export interface MoveCommand {
	cardId: number;
	to: Column;
	/** the card version the screen showed when the user moved it (optimistic concurrency) */
	expectedVersion: number;
	/** the same key on a retry: the move is applied once and the retry gets the first result */
	idempotencyKey: string;
}

/**
 * A committed change of the board, numbered by the store's commit-ordered sequence; broadcast under
 * its own `type` as the event name. Every event carries the card as it is after the change, so a
 * screen applies any of them by the card's version; `card:archived` takes it off the board.
 */
interface CardEventBase {
	seq: number;
	card: BoardCard;
	at: string;
	actor: string;
}

export interface CardMovedEvent extends CardEventBase {
	type: 'card:moved';
	from: Column;
}

/** A new card: a booking's tentative appointment (临时预约) entering prep. */
export interface CardCreatedEvent extends CardEventBase {
	type: 'card:created';
	appointmentId: number | null;
}

/** The card left the board (its appointment was cancelled, or the car was handed over). */
export interface CardArchivedEvent extends CardEventBase {
	type: 'card:archived';
	reason: 'cancelled' | 'handedOver';
}

/** Anything on the card changed but its column: details, parts, stop-work, a QC check. */
export interface CardUpdatedEvent extends CardEventBase {
	type: 'card:updated';
	/** which edit (card.ts CardEdit), or what happened to the card's appointment */
	kind: CardEditKind | AppointmentUpdate;
	/** a failed QC check sent the card back to "in bay": the column it left */
	from?: Column;
}

/**
 * A change of a card's appointment that leaves the card in its column: moved to another time,
 * confirmed while the card is still in prep, the customer did not come. The card's version moves
 * on, so its history and every screen's copy stay in step.
 */
export type AppointmentUpdate = 'rescheduled' | 'appointmentConfirmed' | 'noShow';

export type BoardEvent = CardMovedEvent | CardCreatedEvent | CardArchivedEvent | CardUpdatedEvent;
export type BoardEventType = BoardEvent['type'];

/**
 * `POST /api/stores/:store/cards/:card/edits`: one change of a card. `expectedVersion` is the
 * card's version the screen showed (409 versionConflict otherwise); a retry with the same
 * `idempotencyKey` gets the first result.
 */
export interface EditCommand {
	expectedVersion: number;
	idempotencyKey: string;
	edit: CardEdit;
}

export interface EditResult {
	/** card:updated, or card:archived when the handover completed */
	event: CardUpdatedEvent | CardArchivedEvent;
	/** a vehicle or customer edit: the other open cards of that car or person, each updated too */
	also?: CardUpdatedEvent[];
	replayed: boolean;
}

export interface MoveResult {
	event: CardMovedEvent;
	/** true when this ack answers a retry of a command already applied */
	replayed: boolean;
}

/**
 * The booking API's errors (HTTP only: `POST /api/stores/:store/appointments`): a command error,
 * or a refusal by the capacity rules with the rule's reason (422), or an unknown customer or
 * vehicle (404).
 */
export interface BookingError {
	code:
		| ErrorCode
		| 'bookingRefused'
		| 'customerNotFound'
		| 'vehicleNotFound'
		| 'appointmentNotFound'
		| 'appointmentRefused';
	message: string;
	/** bookingRefused: the capacity rule; appointmentRefused: why the appointment cannot change */
	reason?: BookingRefusal | AppointmentRefusal;
	/** appointmentRefused: the appointment's status now */
	status?: AppointmentStatus;
	/** a director's override would allow it (slotFull, labourFull) */
	needsOverride?: boolean;
	/** the job type a refusal is about (unknownJobType, jobTypeNotQuick) */
	jobType?: string;
	/** partsNotInTime: the first day the parts are there, to propose instead */
	firstBookableDay?: string;
}

/** A tentative appointment (临时预约) as booked. Times: `day` and `start` store-local. */
export interface BookedAppointment {
	id: number;
	cardId: number;
	customerId: number;
	vehicleId: number;
	status: 'tentative';
	channel: 'phone' | 'web' | 'walkIn' | 'reminderCall';
	day: string;
	/** 'HH:MM' */
	start: string;
	/** ISO 8601, UTC */
	scheduledAt: string;
	jobs: string[];
	labourMinutes: number;
	tier: 'idle' | 'transition' | 'busy';
	priceFactorPercent: number;
	recommended: boolean;
	/** booked past a quota or the 80% on a director's word */
	overridden: boolean;
}

export type AppointmentStatus =
	| 'tentative'
	| 'confirmed'
	| 'arrived'
	| 'cancelled'
	| 'noShow'
	| 'done';

/** Why an appointment cannot be confirmed, rescheduled, cancelled or marked a no-show. */
export type AppointmentRefusal =
	/** cancelled, a no-show (confirm), arrived or done: nothing left to change */
	| 'notOpen'
	| 'alreadyConfirmed'
	/** the card is in the bay or past it: the car came, the job is the workshop's now */
	| 'carArrived'
	/** a no-show before the appointment's time */
	| 'notYetDue'
	/** a reschedule to the time it already has */
	| 'sameTime';

/** An appointment as its changes answer it. Times: `day` and `start` store-local. */
export interface AppointmentState {
	id: number;
	/** its card on the board, or null when none is (cancelled, handed over) */
	cardId: number | null;
	status: AppointmentStatus;
	day: string;
	start: string;
	scheduledAt: string;
	labourMinutes: number;
	tier: 'idle' | 'transition' | 'busy' | null;
	priceFactorPercent: number;
	recommended: boolean;
	rescheduleCount: number;
}

/**
 * `POST /api/stores/:store/appointments/:id/{confirm,reschedule,cancel,no-show}`: the appointment
 * after the change, and the board event it made (broadcast): card:moved, card:updated or
 * card:archived; null only when the appointment has no card on the board.
 */
export interface AppointmentChangeResult {
	appointment: AppointmentState;
	event: CardMovedEvent | CardUpdatedEvent | CardArchivedEvent | null;
	replayed: boolean;
	/** cancel: the parts lines put back on the shelf, and those still on order */
	parts?: { returned: { partNo: string; quantity: number }[]; stillOrdered: string[] };
	/** no-show: the customer's no-shows so far, this one included */
	noShows?: number;
}

/** A walk-in registered (直接入厂): its card, straight in "in bay", on the held-back labour. */
export interface WalkInResult {
	walkIn: {
		cardId: number;
		customerId: number;
		vehicleId: number;
		/** the store-local day it arrived */
		day: string;
		jobs: string[];
		labourMinutes: number;
		/** past the day's labour on a director's word */
		overridden: boolean;
	};
	/** the card's `card:created` (appointmentId null), as broadcast */
	event: CardCreatedEvent;
	replayed: boolean;
}

export interface BookingResult {
	appointment: BookedAppointment;
	/** the card's `card:created`, as broadcast */
	event: CardCreatedEvent;
	/** true when this answers a retry of a booking already made */
	replayed: boolean;
}

/**
 * `board:sync`: catch up from `since` (the last event the screen applied). `full: true`: answer
 * with the whole board as a snapshot whatever was missed (a board page carries only its first
 * screenful; its first sync fetches the rest). `sparse: true`: a snapshot's cards leave out the
 * fields at their usual value (`SparseCard`, domain/sparseCard.ts; `fullCard` fills them in), about
 * half the bytes: the board's screens ask this way, and a snapshot so sent says `sparse: true`.
 */
export interface SyncRequest {
	since: number;
	full?: true;
	sparse?: true;
}

export type SyncResult =
	| { kind: 'events'; head: number; events: BoardEvent[] }
	| { kind: 'snapshot'; head: number; cards: BoardCard[] }
	| { kind: 'snapshot'; head: number; sparse: true; cards: SparseCard[] };

/** A snapshot's cards, whole: filled in when it was sent sparse. */
export function snapshotCards(result: Extract<SyncResult, { kind: 'snapshot' }>): BoardCard[] {
	return 'sparse' in result ? result.cards.map(fullCard) : result.cards;
}

export interface BoardSnapshot {
	store: { slug: string; name: string; timeZone: string };
	head: number;
	cards: BoardCard[];
}

export interface ClientToServerEvents {
	'card:move': (command: MoveCommand, ack: (result: Ack<MoveResult>) => void) => void;
	/** catch up from `since`: the missed events, or a snapshot when too far behind or `full` */
	'board:sync': (request: SyncRequest, ack: (result: Ack<SyncResult>) => void) => void;
}

export interface ServerToClientEvents {
	'card:moved': (event: CardMovedEvent) => void;
	'card:created': (event: CardCreatedEvent) => void;
	'card:archived': (event: CardArchivedEvent) => void;
	'card:updated': (event: CardUpdatedEvent) => void;
	/**
	 * the answer to the `board:sync` a handshake carried (`SocketAuth.sync`), sent right after the
	 * server accepted the socket: what the screen's first `board:sync` would have answered
	 */
	'board:synced': (result: Ack<SyncResult>) => void;
	/** periodic head-sequence heartbeat: a screen behind it has missed something */
	'board:head': (head: { seq: number }) => void;
	/** to welcome boards: the store's board changed (up to `seq`); they reload their own page data */
	'welcome:changed': (change: { seq: number }) => void;
	/** sent just before the server disconnects a socket whose credential was revoked */
	'session:revoked': () => void;
}

/**
 * What a socket sends in its handshake. The credential itself travels in the session or display
 * cookie (browsers), or as `token` (an integration's API token). The server alone decides which
 * store room the socket joins: the store named here only if the credential may see it; a display
 * always joins its own store.
 */
export interface SocketAuth {
	store?: string;
	token?: string;
	/** 'welcome': a welcome board's socket (nudges only); a welcome display always gets this */
	view?: 'board' | 'welcome';
	/**
	 * a board screen's first `board:sync`, carried by the handshake: the server answers it with
	 * `board:synced` as soon as it has accepted the socket (one round trip less on a page load);
	 * validated and answered like the command itself (refused on a welcome board)
	 */
	sync?: SyncRequest;
}

/**
 * A board page's first sync: the whole board (the page carries only its first screenful), its
 * cards sparse. Carried by the handshake of the page's socket, whoever makes it.
 */
export const FIRST_SYNC = { since: 0, full: true, sparse: true } as const satisfies SyncRequest;

/**
 * A board page's early WebSocket (src/app.html) names its store in the engine.io URL,
 * `/socket.io/?EIO=4&transport=websocket&board=<store>`, and sends no CONNECT: the server makes it,
 * as the socket opens, with the handshake `{ store, sync: FIRST_SYNC }`, and checks it like any
 * other. So the handshake does not wait for the page's main thread, which is busy laying out the
 * first screen when engine.io's open packet arrives.
 */
export const EARLY_BOARD_PARAM = 'board';

/** Why a handshake was refused: the `message` of the client's `connect_error`. */
export type HandshakeError =
	| 'originNotAllowed'
	| 'unauthenticated'
	| 'forbidden'
	| 'storeNotFound'
	| 'unavailable';

/** A credential revoked, or a session signed out: the server closes the socket with this. */
export const REVOKED_EVENT = 'session:revoked';

/** More missed events than this and a screen gets a fresh snapshot instead of a replay. */
export const MAX_REPLAY_EVENTS = 200;
export const HEARTBEAT_MS = 5_000;
