-- The first data model of the workshop board, shaped for the whole domain (see shared/DOMAIN.md).
-- Ids are bigint identities; a store is addressed in URLs by its slug.

create table dealer_groups (
	id bigint generated always as identity primary key,
	name text not null
);

create table stores (
	id bigint generated always as identity primary key,
	group_id bigint not null references dealer_groups (id),
	slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{0,39}$'),
	name text not null,
	time_zone text not null default 'Asia/Shanghai',
	created_at timestamptz not null default now()
);

create table users (
	id bigint generated always as identity primary key,
	username text not null unique,
	display_name text not null,
	password_hash text,
	created_at timestamptz not null default now()
);

-- A user's roles per store; a group admin sees every store of the group.
create table store_roles (
	user_id bigint not null references users (id),
	store_id bigint not null references stores (id),
	role text not null check (
		role in ('advisor', 'director', 'technician', 'parts', 'service', 'storeAdmin')
	),
	team text,
	primary key (user_id, store_id, role)
);

create table group_admins (
	user_id bigint not null references users (id),
	group_id bigint not null references dealer_groups (id),
	primary key (user_id, group_id)
);

create table bays (
	id bigint generated always as identity primary key,
	store_id bigint not null references stores (id),
	name text not null,
	unique (store_id, name),
	unique (id, store_id)
);

create table customers (
	id bigint generated always as identity primary key,
	store_id bigint not null references stores (id),
	name text not null,
	-- how the welcome board greets: surname + title (王 + 先生)
	surname text not null,
	title text not null check (title in ('先生', '女士', '')),
	phone text not null,
	created_at timestamptz not null default now(),
	unique (id, store_id)
);
create index customers_store_phone on customers (store_id, phone);

create table vehicles (
	id bigint generated always as identity primary key,
	store_id bigint not null references stores (id),
	customer_id bigint not null references customers (id),
	plate text not null,
	vin text check (vin is null or length(vin) = 17),
	model text not null,
	mileage_km integer not null default 0 check (mileage_km >= 0),
	last_service_on date,
	last_service_km integer check (last_service_km >= 0),
	unique (store_id, plate),
	unique (id, store_id),
	foreign key (customer_id, store_id) references customers (id, store_id)
);
create index vehicles_customer on vehicles (customer_id);

create table appointments (
	id bigint generated always as identity primary key,
	store_id bigint not null references stores (id),
	customer_id bigint not null references customers (id),
	vehicle_id bigint not null references vehicles (id),
	scheduled_at timestamptz not null,
	channel text not null check (channel in ('phone', 'web', 'walkIn', 'reminderCall')),
	status text not null default 'tentative' check (
		status in ('tentative', 'confirmed', 'arrived', 'cancelled', 'noShow', 'done')
	),
	job_summary text not null,
	created_at timestamptz not null default now(),
	unique (id, store_id),
	foreign key (vehicle_id, store_id) references vehicles (id, store_id)
);
create index appointments_store_day on appointments (store_id, scheduled_at);

-- One card per job on the board. `board_column` is one of the seven columns; the order inside a
-- column is derived (urgency, then appointment time), never stored.
create table cards (
	id bigint generated always as identity primary key,
	store_id bigint not null references stores (id),
	appointment_id bigint references appointments (id),
	customer_id bigint not null references customers (id),
	vehicle_id bigint not null references vehicles (id),
	board_column text not null check (
		board_column in ('prep', 'ready', 'confirmed', 'inBay', 'qc', 'wash', 'handover')
	),
	-- when the car is due: the appointment time, or the arrival time of a walk-in
	due_at timestamptz not null,
	job_summary text not null,
	safety boolean not null default false,
	comeback boolean not null default false,
	complaint boolean not null default false,
	parts_waiting boolean not null default false,
	stop_work_reason text check (stop_work_reason in ('parts', 'authorisation', 'labour')),
	stop_work_since timestamptz,
	customer_waits boolean not null default false,
	wash_declined boolean not null default false,
	rework_count integer not null default 0 check (rework_count >= 0),
	technician_id bigint references users (id),
	advisor_id bigint references users (id),
	bay_id bigint references bays (id),
	version integer not null default 1 check (version >= 1),
	column_entered_at timestamptz not null default now(),
	created_at timestamptz not null default now(),
	updated_at timestamptz not null default now(),
	archived_at timestamptz,
	check ((stop_work_reason is null) = (stop_work_since is null)),
	-- a card never points at another store's rows
	foreign key (customer_id, store_id) references customers (id, store_id),
	foreign key (vehicle_id, store_id) references vehicles (id, store_id),
	foreign key (appointment_id, store_id) references appointments (id, store_id),
	foreign key (bay_id, store_id) references bays (id, store_id)
);
create index cards_store_board on cards (store_id, board_column) where archived_at is null;
-- one card on the board per appointment
create unique index cards_active_appointment on cards (appointment_id)
	where archived_at is null and appointment_id is not null;

-- Commit-ordered sequence numbers: the counter row is updated inside the writing transaction, so
-- a later sequence number can never commit before an earlier one of the same store.
create table store_sequences (
	store_id bigint primary key references stores (id),
	last_seq bigint not null default 0
);

create table board_events (
	store_id bigint not null references stores (id),
	seq bigint not null,
	type text not null,
	card_id bigint references cards (id),
	payload jsonb not null,
	created_at timestamptz not null default now(),
	primary key (store_id, seq)
);

-- Exactly one row per committed change of a card: who, when (UTC), what, from where.
create table audit_log (
	id bigint generated always as identity primary key,
	store_id bigint not null references stores (id),
	card_id bigint references cards (id),
	seq bigint,
	actor_user_id bigint references users (id),
	actor_label text not null,
	action text not null,
	detail jsonb not null default '{}',
	source text not null,
	at timestamptz not null default now()
);
create index audit_log_card on audit_log (card_id, at);

-- Results of commands already applied, by idempotency key, so a retry gets the first result back.
create table command_results (
	store_id bigint not null references stores (id),
	idempotency_key text not null,
	result jsonb not null,
	created_at timestamptz not null default now(),
	primary key (store_id, idempotency_key)
);

-- Timestamps leave the database as JavaScript's own ISO form (2026-11-23T08:30:00.000Z), so that
-- every screen compares and sorts them the same way.
create function iso_utc(t timestamptz) returns text
language sql immutable strict parallel safe
as $$ select to_char(t at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') $$;

-- A card as screens see it (BoardCard in src/lib/domain/board.ts), built once in SQL: the same
-- JSON serves the snapshot, the replayed events and each committed move. (json, not jsonb: it is
-- only ever sent on, and json_build_object is about twice as fast for a 500-card board.)
create view board_card_view as
select
	c.id,
	c.store_id,
	c.archived_at,
	json_build_object(
		'id', c.id,
		'column', c.board_column,
		'version', c.version,
		'plate', v.plate,
		'customerName', cu.surname || cu.title,
		'model', v.model,
		'dueAt', iso_utc(c.due_at),
		'walkIn', c.appointment_id is null,
		'jobSummary', c.job_summary,
		'safety', c.safety,
		'comeback', c.comeback,
		'complaint', c.complaint,
		'partsWaiting', c.parts_waiting,
		'stopWork', case when c.stop_work_reason is null then null else json_build_object(
			'reason', c.stop_work_reason, 'since', iso_utc(c.stop_work_since)) end,
		'customerWaits', c.customer_waits,
		'washDeclined', c.wash_declined,
		'reworkCount', c.rework_count,
		'technician', t.display_name,
		'bay', b.name,
		'advisor', a.display_name,
		'columnEnteredAt', iso_utc(c.column_entered_at)
	) as card
from cards c
join vehicles v on v.id = c.vehicle_id
join customers cu on cu.id = c.customer_id
left join users t on t.id = c.technician_id
left join users a on a.id = c.advisor_id
left join bays b on b.id = c.bay_id;
