import { type Kysely, sql } from 'kysely'

// Frozen in time: this file never imports app code, and it is never edited once landed.
// Written for PostgreSQL 15 (the server) and 18 (PGlite).

const statements = [
  // A company that is our customer. People (customers) belong to it through memberships; it
  // has no sign-in of its own. default_visibility is what a member's new ticket or request
  // starts as; owners change it.
  `create sequence organisation_number_seq start 500001`,
  `create table organisations (
     id uuid primary key default gen_random_uuid(),
     customer_number text not null unique default ('B' || nextval('organisation_number_seq')),
     name text not null check (length(name) between 1 and 200),
     legal_name text check (length(legal_name) between 1 and 400),
     registration_number text check (length(registration_number) between 1 and 40),
     default_visibility text not null default 'private'
       check (default_visibility in ('private', 'organisation')),
     version integer not null default 1 check (version > 0),
     created_at timestamptz not null default now(),
     updated_at timestamptz not null default now()
   )`,
  `create index organisations_name_trgm on organisations using gin (lower(name) gin_trgm_ops)`,

  `create table organisation_addresses (
     id uuid primary key default gen_random_uuid(),
     organisation_id uuid not null references organisations (id),
     kind text not null check (kind in ('registered', 'billing', 'shipping')),
     recipient text not null check (length(recipient) between 1 and 200),
     line1 text not null check (length(line1) between 1 and 200),
     line2 text check (length(line2) between 1 and 200),
     city text not null check (length(city) between 1 and 100),
     region text check (length(region) between 1 and 100),
     postal_code text check (length(postal_code) between 1 and 20),
     country_code text not null check (country_code ~ '^[A-Z]{2}$'),
     version integer not null default 1 check (version > 0),
     created_at timestamptz not null default now(),
     updated_at timestamptz not null default now(),
     removed_at timestamptz
   )`,
  `create index organisation_addresses_organisation on organisation_addresses (organisation_id)`,

  // A person's place in an organisation. A removal keeps the row (removed_at), so the
  // organisation's history can still name who left; a person may be invited back later.
  `create table organisation_members (
     id uuid primary key default gen_random_uuid(),
     organisation_id uuid not null references organisations (id),
     customer_id uuid not null references customers (id),
     role text not null check (role in ('owner', 'member', 'billing')),
     joined_at timestamptz not null default now(),
     removed_at timestamptz
   )`,
  `create unique index organisation_members_active on organisation_members
     (organisation_id, customer_id) where removed_at is null`,
  `create index organisation_members_customer on organisation_members (customer_id)
     where removed_at is null`,

  // An owner's invitation by email. Only a SHA-256 of the token in the link is stored.
  `create table organisation_invitations (
     id uuid primary key default gen_random_uuid(),
     organisation_id uuid not null references organisations (id),
     email text not null check (email ~ '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$' and length(email) <= 254),
     role text not null check (role in ('owner', 'member', 'billing')),
     token_hash text not null unique check (token_hash ~ '^[0-9a-f]{64}$'),
     invited_by uuid references accounts (id),
     language text not null default 'en' check (language ~ '^[a-z]{2}(-[A-Z]{2})?$'),
     created_at timestamptz not null default now(),
     expires_at timestamptz not null,
     accepted_at timestamptz,
     accepted_by uuid references customers (id),
     revoked_at timestamptz
   )`,
  `create index organisation_invitations_organisation on organisation_invitations (organisation_id)`,

  // The organisation's own append-only history: details changed, people joined, left or changed
  // role, invitations sent, and by whom (a member, a named staff member, the system).
  // subject_customer_id is the person a membership change is about.
  `create table organisation_history (
     id bigint generated always as identity primary key,
     organisation_id uuid not null references organisations (id),
     action text not null check (length(action) between 1 and 64),
     subject_customer_id uuid references customers (id),
     actor_kind text not null check (actor_kind in ('customer', 'staff', 'integration', 'system')),
     actor_id uuid,
     channel text not null check (channel in (
       'portal', 'staff', 'email_link', 'api', 'import', 'system')),
     before jsonb,
     after jsonb,
     occurred_at timestamptz not null default now(),
     check (actor_kind in ('integration', 'system') or actor_id is not null)
   )`,
  `create index organisation_history_organisation on organisation_history
     (organisation_id, occurred_at desc, id desc)`,
  `create trigger organisation_history_append_only before update or delete on organisation_history
     for each row execute function refuse_change_of_append_only()`,

  // What a person made for a company belongs to it as well as to them. visibility: 'private'
  // (the person only), 'named' (the person and the colleagues in item_shares), 'organisation'
  // (every member). Personal items (no organisation) are always private.
  ...[
    ['orders', 'placed_at'],
    ['requests', 'created_at'],
    ['tickets', 'created_at'],
  ].flatMap(([table, createdAt]) => [
    `alter table ${table} add column organisation_id uuid references organisations (id)`,
    `alter table ${table} add column visibility text not null default 'private'
       check (visibility in ('private', 'named', 'organisation'))`,
    `alter table ${table} add constraint ${table}_personal_items_private
       check (organisation_id is not null or visibility = 'private')`,
    `create index ${table}_organisation on ${table} (organisation_id, ${createdAt})`,
  ]),

  // The colleagues an item is shared with by name.
  `create table item_shares (
     item_kind text not null check (item_kind in ('order', 'request', 'ticket')),
     item_id uuid not null,
     customer_id uuid not null references customers (id),
     added_by uuid references accounts (id),
     added_at timestamptz not null default now(),
     primary key (item_kind, item_id, customer_id)
   )`,
  `create index item_shares_customer on item_shares (customer_id, item_kind)`,

  // Which organisation a signed-in person is acting for (null: for themselves). Chosen in the
  // header; every list and page reads it from the session row in the same round trip.
  `alter table sessions add column active_organisation_id uuid references organisations (id)`,
  // Where the next sign-in starts: the organisation last chosen, if the person still belongs.
  `alter table accounts add column last_organisation_id uuid references organisations (id)`,
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) {
    await sql.raw(statement).execute(db)
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`alter table accounts drop column if exists last_organisation_id`).execute(db)
  await sql.raw(`alter table sessions drop column if exists active_organisation_id`).execute(db)
  await sql.raw(`drop table if exists item_shares`).execute(db)
  for (const table of ['orders', 'requests', 'tickets']) {
    await sql
      .raw(`alter table ${table} drop constraint if exists ${table}_personal_items_private`)
      .execute(db)
    await sql.raw(`alter table ${table} drop column if exists visibility`).execute(db)
    await sql.raw(`alter table ${table} drop column if exists organisation_id`).execute(db)
  }
  for (const table of [
    'organisation_history',
    'organisation_invitations',
    'organisation_members',
    'organisation_addresses',
    'organisations',
  ]) {
    await sql.raw(`drop table if exists ${table}`).execute(db)
  }
  await sql.raw(`drop sequence if exists organisation_number_seq`).execute(db)
}
