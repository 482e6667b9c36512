import type { Sql } from '../db/connect';

/**
 * Messages to customers (SMS; e-mail when a store keeps addresses) go through one channel. A tick
 * of the reminder-message list writes the message to the `outbox` table in its own transaction
 * (so a message is never sent for a tick that did not commit, nor lost for one that did); after
 * COMMIT `dispatch` hands the queued rows to the channel.
 *
 * The default channel sends nothing (no SMS provider is reachable from here): it logs one line and
 * leaves the row `queued`, where a person or a later provider can find it. A provider is one small
 * module implementing `MessageChannel` — e.g. Aliyun SMS: `deliver` calls its SendSms API with the
 * store's template and answers `{ status: 'sent', ref: BizId }` or `{ status: 'failed', ref: Code }` —
 * installed at start-up with `useChannel(provider)`.
 */
export interface OutboundMessage {
	id: number;
	storeId: number;
	channel: 'sms' | 'email';
	recipient: string;
	body: string;
}

export interface Delivery {
	/** 'queued': not sent by this channel, left for later */
	status: 'queued' | 'sent' | 'failed';
	/** the provider's message id or error code */
	ref?: string;
}

export interface MessageChannel {
	readonly name: string;
	deliver(message: OutboundMessage): Promise<Delivery>;
}

/** 138****5678: enough for a log line to be followed up, not a customer's number in the logs. */
export const maskRecipient = (recipient: string) =>
	/^\d{11}$/.test(recipient) ? `${recipient.slice(0, 3)}****${recipient.slice(7)}` : recipient.replace(/^(.).*(@.*)$/, '$1***$2');

/** The default: the outbox row is the record; a log line says it is waiting there. */
export const outboxOnly: MessageChannel = {
	name: 'outbox',
	async deliver(message) {
		console.info(
			`[outbox] ${message.channel} #${message.id} to ${maskRecipient(message.recipient)} queued (no provider configured): ${message.body}`
		);
		return { status: 'queued' };
	}
};

let current: MessageChannel = outboxOnly;

/** Installs a provider for this process (start-up), or the default again. */
export function useChannel(channel: MessageChannel = outboxOnly) {
	current = channel;
}

/** Hands queued messages to the channel and records what it answered. Never throws: a failed
 * delivery stays on the row for a retry. */
export async function dispatch(sql: Sql, ids: readonly number[]): Promise<void> {
	if (ids.length === 0) return;
	const rows = await sql<OutboundMessage[]>`
		select id::int, store_id::int as "storeId", channel, recipient, body from outbox
		where id = any(${ids as number[]}::bigint[]) and status = 'queued' order by id`;
	for (const row of rows) {
		try {
			const delivery = await current.deliver(row);
			if (delivery.status !== 'queued') {
				await sql`
					update outbox set status = ${delivery.status}, provider = ${current.name},
						provider_ref = ${delivery.ref ?? null}
					where id = ${row.id}`;
			}
		} catch (error) {
			console.warn(`[outbox] #${row.id} via ${current.name}: ${(error as Error).message}`);
		}
	}
}
