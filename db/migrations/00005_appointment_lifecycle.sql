-- An appointment's life after booking (issue #7): confirmed, rescheduled, cancelled, no-show; the
-- call lists' ticks; the messages sent. Writers: src/lib/server/appointments/lifecycle.ts,
-- src/lib/server/calls/*.

alter table appointments
	add column confirmed_at timestamptz,
	add column cancelled_at timestamptz,
	add column cancel_reason text check (length(cancel_reason) <= 200),
	add column no_show_at timestamptz,
	-- how many times it was moved to another time (each move is in the audit log)
	add column reschedule_count integer not null default 0 check (reschedule_count >= 0);
-- (no check tying the times to the status: older writers, the demo seed among them, set a status
-- alone; the lifecycle writers set both)

-- The work order (施工单) of a card is cancelled with its appointment: the card leaves the board
-- (archived_at) and says why it did not end in a handover.
alter table cards add column cancelled_at timestamptz;

-- What a call list entry is about: the service due date (reminders), the appointment day
-- (confirmation, no-show) or the handover day (follow-up). A reminder ticked off for one due date
-- does not tick off the next one's.
alter table call_tasks add column about_on date;
create index call_tasks_vehicle on call_tasks (vehicle_id, kind) where vehicle_id is not null;
create index call_tasks_appointment on call_tasks (appointment_id) where appointment_id is not null;
-- one no-show call per appointment
create unique index call_tasks_one_no_show on call_tasks (appointment_id) where kind = 'noShow';

-- Messages to customers (SMS, e-mail) as the channel sent them: the default channel only writes
-- here and to the log; a provider module sends and records its answer (src/lib/server/calls/channel.ts).
create table outbox (
	id bigint generated always as identity primary key,
	store_id bigint not null references stores (id),
	channel text not null check (channel in ('sms', 'email')),
	recipient text not null check (length(recipient) between 1 and 200),
	body text not null check (length(body) between 1 and 1000),
	customer_id bigint,
	vehicle_id bigint,
	-- which list entry sent it
	call_task_id bigint references call_tasks (id),
	-- 'queued': written, nobody sent it (no provider); 'sent' / 'failed' by a provider
	status text not null default 'queued' check (status in ('queued', 'sent', 'failed')),
	provider text not null default 'outbox',
	provider_ref text,
	created_at timestamptz not null default now(),
	foreign key (customer_id, store_id) references customers (id, store_id)
);
create index outbox_store on outbox (store_id, created_at);
