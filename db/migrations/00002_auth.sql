-- Sign-in, sessions, paired display screens, integration tokens (issue #4, G7–G10).
-- Every secret a client holds (session, display credential, API token) is stored only as the
-- SHA-256 of a 256-bit random token: a stolen table gives nobody a way in.

alter table users add column disabled_at timestamptz;
-- sign-in ignores case, so two names that differ only in case would be one person's login
create unique index users_username_lower on users (lower(username));

create table sessions (
	id bigint generated always as identity primary key,
	token_hash bytea not null unique,
	user_id bigint not null references users (id),
	created_at timestamptz not null default now(),
	last_seen_at timestamptz not null default now(),
	-- sliding: pushed forward on use, never past absolute_expires_at
	expires_at timestamptz not null,
	absolute_expires_at timestamptz not null,
	revoked_at timestamptz,
	address text not null,
	user_agent text not null default ''
);
create index sessions_user on sessions (user_id) where revoked_at is null;

-- Failed and successful sign-ins, for the per-account and per-address limits (shared by every
-- instance, so a second instance is not a second allowance).
create table sign_in_attempts (
	id bigint generated always as identity primary key,
	username text not null,
	address text not null,
	ok boolean not null,
	at timestamptz not null default now()
);
create index sign_in_attempts_username on sign_in_attempts (lower(username), at) where not ok;
create index sign_in_attempts_address on sign_in_attempts (address, at) where not ok;

-- A wall TV or welcome board: read-only, one store, revocable. Its credential lives in the
-- screen's cookie; only its hash is here.
create table displays (
	id bigint generated always as identity primary key,
	store_id bigint not null references stores (id),
	kind text not null check (kind in ('wall', 'welcome')),
	name text not null check (length(name) between 1 and 40),
	token_hash bytea unique,
	paired_by bigint not null references users (id),
	created_at timestamptz not null default now(),
	last_seen_at timestamptz,
	revoked_at timestamptz,
	revoked_by bigint references users (id)
);
create index displays_store on displays (store_id);

-- The short code a screen shows while it waits to be paired. The screen proves it is the one that
-- asked with a secret kept in its own cookie (hash here); a store admin who types the code links
-- it to a new display, and the screen then collects its credential once.
create table display_pairings (
	id bigint generated always as identity primary key,
	code text not null,
	secret_hash bytea not null unique,
	created_at timestamptz not null default now(),
	expires_at timestamptz not null,
	display_id bigint references displays (id),
	collected_at timestamptz,
	address text not null
);
-- a code is unique among the ones still waiting
create unique index display_pairings_code on display_pairings (code) where display_id is null;

-- Tokens for integrations and scripts: one store, one role, revocable.
create table api_tokens (
	id bigint generated always as identity primary key,
	store_id bigint not null references stores (id),
	name text not null check (length(name) between 1 and 40),
	role text not null check (
		role in ('advisor', 'director', 'technician', 'parts', 'service', 'storeAdmin')
	),
	token_hash bytea not null unique,
	created_by bigint not null references users (id),
	created_at timestamptz not null default now(),
	last_used_at timestamptz,
	revoked_at timestamptz
);

-- Sign-ins happen before any store is chosen: their audit rows have no store.
alter table audit_log alter column store_id drop not null;
alter table audit_log add column outcome text not null default 'ok' check (outcome in ('ok', 'refused'));
create index audit_log_store_at on audit_log (store_id, at desc);
