-- The card as the whole job (issue #5): work order items, the parts issue slip, the folder's
-- documents, dispatch to a team, the three QC checks, the handover, and the follow-up call.
-- Pure rules: src/lib/domain/card.ts; writer: src/lib/server/cards/edit.ts.

-- the hourly labour rate the estimate (估算单) prices job items at, fen per hour
alter table stores add column labour_rate_fen integer not null default 30000
	check (labour_rate_fen between 0 and 10000000);

alter table cards
	add column team text check (length(team) between 1 and 20),
	-- the folder: 施工单, 估算单, 零件出库单 printed and in it
	add column doc_work_order boolean not null default false,
	add column doc_estimate boolean not null default false,
	add column doc_parts_slip boolean not null default false,
	-- this QC round's checks; a failed check or a move back to "in bay" clears them
	add column qc_self boolean not null default false,
	add column qc_lead boolean not null default false,
	add column qc_final boolean not null default false,
	add column qc_self_by bigint references users (id),
	-- an extra item waits for the customer's word: derived from card_job_items, kept with the card
	-- because every screen shows it
	add column authorisation_pending boolean not null default false,
	add column handover_checks text[] not null default '{}',
	add column next_service_on date,
	add column next_service_km integer check (next_service_km >= 0),
	add column handed_over_at timestamptz,
	-- stages are passed in order
	add constraint cards_qc_order check ((not qc_lead or qc_self) and (not qc_final or qc_lead));

-- the card's rows below never point at another store's card
alter table cards add constraint cards_id_store unique (id, store_id);

-- The work order's items (施工单): from the booked job types, plus extra items found in the bay
-- (增项), which need the customer's authorisation before work goes on.
create table card_job_items (
	id bigint generated always as identity primary key,
	card_id bigint not null,
	store_id bigint not null,
	job_type_id bigint,
	description text not null check (length(description) between 1 and 80),
	labour_minutes integer not null check (labour_minutes between 0 and 6000),
	extra boolean not null default false,
	authorisation text not null default 'notNeeded'
		check (authorisation in ('notNeeded', 'pending', 'approved', 'declined')),
	authorised_by bigint references users (id),
	authorised_label text,
	authorised_via text check (authorised_via in ('phone', 'inPerson', 'message')),
	authorised_at timestamptz,
	created_at timestamptz not null default now(),
	check ((authorisation in ('approved', 'declined')) = (authorised_at is not null)),
	check (extra or authorisation = 'notNeeded'),
	foreign key (card_id, store_id) references cards (id, store_id),
	foreign key (job_type_id, store_id) references job_types (id, store_id)
);
create index card_job_items_card on card_job_items (card_id);

-- The parts issue slip (零件出库单): one line per part, with where it stands.
create table card_parts (
	id bigint generated always as identity primary key,
	card_id bigint not null,
	store_id bigint not null,
	part_no text not null check (length(part_no) between 1 and 40),
	name text not null default '' check (length(name) <= 60),
	quantity integer not null check (quantity between 1 and 999),
	unit_price_fen integer not null default 0 check (unit_price_fen between 0 and 100000000),
	status text not null
		check (status in ('inStock', 'reserved', 'picked', 'toOrder', 'ordered', 'arrived')),
	-- the promised arrival of an ordered part, store-local
	eta date,
	lead_days smallint not null default 5 check (lead_days between 0 and 365),
	created_at timestamptz not null default now(),
	check (eta is null or status in ('ordered', 'arrived')),
	foreign key (card_id, store_id) references cards (id, store_id)
);
create index card_parts_card on card_parts (card_id);

-- Every QC check made, passed or failed, with its reason: the card remembers its failures, and
-- they count toward the comeback rate.
create table qc_checks (
	id bigint generated always as identity primary key,
	card_id bigint not null,
	store_id bigint not null,
	stage text not null check (stage in ('self', 'lead', 'final')),
	passed boolean not null,
	reason text check (length(reason) <= 200),
	actor_user_id bigint references users (id),
	actor_label text not null,
	at timestamptz not null default now(),
	check (passed or reason is not null),
	foreign key (card_id, store_id) references cards (id, store_id)
);
create index qc_checks_card on qc_checks (card_id, at);

-- Calls customer service owes: the follow-up call (回访) after handover today; the reminder,
-- confirmation and no-show calls of issue #7 use the same list.
create table call_tasks (
	id bigint generated always as identity primary key,
	store_id bigint not null references stores (id),
	kind text not null check (
		kind in ('reminderMessage', 'reminderCall', 'secondCall', 'confirmationCall', 'followUp', 'noShow')
	),
	customer_id bigint not null,
	vehicle_id bigint,
	appointment_id bigint,
	card_id bigint,
	-- the last store-local day the call is due
	due_on date not null,
	outcome text check (length(outcome) <= 40),
	note text check (length(note) <= 200),
	done_by bigint references users (id),
	done_at timestamptz,
	created_at timestamptz not null default now(),
	check ((outcome is null) = (done_at is null)),
	foreign key (customer_id, store_id) references customers (id, store_id),
	foreign key (card_id, store_id) references cards (id, store_id)
);
create index call_tasks_store_due on call_tasks (store_id, due_on) where done_at is null;
create unique index call_tasks_one_follow_up on call_tasks (card_id) where kind = 'followUp';

-- A card already waiting for parts, from before parts lines existed, keeps waiting: one line
-- says so until the parts counter writes the real ones.
insert into card_parts (card_id, store_id, part_no, name, quantity, status)
select id, store_id, 'UNKNOWN', '待确认零件', 1, 'toOrder'
from cards where parts_waiting and archived_at is null;

-- A card past QC passed its checks.
update cards set qc_self = true, qc_lead = true, qc_final = true
where board_column in ('wash', 'handover');

-- The card as screens see it gains its team, this round's QC checks and the pending
-- authorisation (BoardCard in src/lib/domain/board.ts).
create or replace view board_card_view as
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
		'columnEnteredAt', iso_utc(c.column_entered_at),
		'team', c.team,
		'qc', json_build_object('self', c.qc_self, 'lead', c.qc_lead, 'final', c.qc_final),
		'authorisationPending', c.authorisation_pending
	) as card
from cards c
join vehicles v on v.id = c.vehicle_id
join customers cu on cu.id = c.customer_id
left join users t on t.id = c.technician_id
left join users a on a.id = c.advisor_id
left join bays b on b.id = c.bay_id;
