-- Booking with real capacity (issue #7): what a store's day can take, what a booking records.
-- Capacity is labour minutes (src/lib/domain/capacity.ts); every number is per store.

-- A store's booking and reminder settings, as overrides of the defaults in code
-- (defaultCapacityRules in capacity.ts, defaultStoreRules in reminders.ts): '{}' means "the
-- defaults", so a new default reaches every store that did not choose its own. Read and checked by
-- src/lib/server/appointments/rules.ts; keys are the TypeScript names (opensAt, tiers, busy, ...).
create table store_booking_rules (
	store_id bigint primary key references stores (id),
	capacity jsonb not null default '{}' check (jsonb_typeof(capacity) = 'object'),
	reminders jsonb not null default '{}' check (jsonb_typeof(reminders) = 'object'),
	updated_at timestamptz not null default now()
);

-- Public holidays and 调休 (a weekend day worked instead): the store's own calendar exceptions.
create table store_calendar_days (
	store_id bigint not null references stores (id),
	day date not null,
	kind text not null check (kind in ('holiday', 'workday')),
	name text not null default '' check (length(name) <= 40),
	primary key (store_id, day)
);

-- Each technician's working minutes per ISO weekday (1 = Monday): the day's labour capacity is
-- their sum. A day of leave or overtime is an exception for that date.
create table technician_shifts (
	store_id bigint not null references stores (id),
	user_id bigint not null references users (id),
	weekday smallint not null check (weekday between 1 and 7),
	minutes smallint not null check (minutes between 0 and 1440),
	primary key (store_id, user_id, weekday)
);
create table technician_day_minutes (
	store_id bigint not null references stores (id),
	user_id bigint not null references users (id),
	day date not null,
	minutes smallint not null check (minutes between 0 and 1440),
	primary key (store_id, user_id, day)
);

-- What can be booked: standard labour time (工时) and whether it may be a quick appointment.
create table job_types (
	id bigint generated always as identity primary key,
	store_id bigint not null references stores (id),
	code text not null check (code ~ '^[a-zA-Z][a-zA-Z0-9_-]{0,39}$'),
	name text not null check (length(name) between 1 and 40),
	labour_minutes integer not null check (labour_minutes between 1 and 1440),
	quick_bookable boolean not null default true,
	list_price_fen integer not null default 0 check (list_price_fen >= 0),
	active boolean not null default true,
	unique (store_id, code),
	unique (id, store_id)
);

-- The parts a job type needs, and the store's stock and lead time (备货期) of each: a job whose
-- part is not on the shelf can be booked only from the day the part can arrive.
create table parts (
	store_id bigint not null references stores (id),
	part_no text not null check (length(part_no) between 1 and 40),
	name text not null default '',
	on_hand integer not null default 0 check (on_hand >= 0),
	lead_days smallint not null default 5 check (lead_days between 0 and 365),
	primary key (store_id, part_no)
);
create table job_type_parts (
	store_id bigint not null,
	job_type_id bigint not null,
	part_no text not null,
	quantity integer not null default 1 check (quantity > 0),
	primary key (job_type_id, part_no),
	foreign key (job_type_id, store_id) references job_types (id, store_id),
	foreign key (store_id, part_no) references parts (store_id, part_no)
);

-- The vehicle's first registration: quick appointments have an age limit.
alter table vehicles add column registered_on date;

-- What a booking decided, kept with the appointment: its labour (what capacity counts), the slot's
-- tier and price, who booked it, and a director's override past a quota or the 80%.
alter table appointments
	-- appointments made before capacity was counted (and writers that do not know it yet): an
	-- hour, the length of a routine service
	add column labour_minutes integer not null default 60 check (labour_minutes >= 0),
	add column tier text check (tier in ('idle', 'transition', 'busy')),
	add column price_factor_percent smallint not null default 100
		check (price_factor_percent between 1 and 200),
	add column recommended boolean not null default false,
	add column booked_by bigint references users (id),
	add column override_by bigint references users (id),
	-- the director's reason; override_by is null when the director booked through an API token
	-- (the audit row names the token)
	add column override_reason text check (length(override_reason) <= 200);

create table appointment_items (
	appointment_id bigint not null,
	store_id bigint not null,
	job_type_id bigint not null,
	position smallint not null,
	labour_minutes integer not null check (labour_minutes >= 0),
	list_price_fen integer not null check (list_price_fen >= 0),
	primary key (appointment_id, position),
	foreign key (appointment_id, store_id) references appointments (id, store_id),
	foreign key (job_type_id, store_id) references job_types (id, store_id)
);

-- Finding a customer at the desk by plate, however it was typed (沪A·12345, 沪a 12345).
create index vehicles_store_plate_key on vehicles (
	store_id, upper(replace(replace(replace(plate, '·', ''), ' ', ''), '-', ''))
);

-- Stores already in the field get the same starting point as a new one (provisionBooking() in
-- src/lib/server/appointments/provision.ts; tests/integration/appointments/schema.test.ts keeps
-- the two equal): the default job types, and eight hours a day for each technician.
insert into job_types (store_id, code, name, labour_minutes, quick_bookable, list_price_fen)
select s.id, j.code, j.name, j.minutes, j.quick, j.price
from stores s cross join (values
	('maintenance', '常规保养', 60, true, 48000),
	('tyres', '轮胎更换', 30, true, 12000),
	('brakePads', '更换刹车片', 90, true, 36000),
	('diagnosis', '故障诊断', 120, false, 30000),
	('bodyRepair', '钣金喷漆', 480, false, 150000)
) as j(code, name, minutes, quick, price);

insert into technician_shifts (store_id, user_id, weekday, minutes)
select distinct r.store_id, r.user_id, d.weekday, 480
from store_roles r cross join generate_series(1, 7) as d(weekday)
where r.role = 'technician';

-- the welcome board asks, per appointment of the day, for its card (handed over or not)
create index cards_appointment on cards (appointment_id);
