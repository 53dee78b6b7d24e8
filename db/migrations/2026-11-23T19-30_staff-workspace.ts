import { type Kysely, sql } from 'kysely'

// Frozen in time: this file never imports app code, and it is never edited once landed.
// Written for PostgreSQL 15 (the server) and 18 (PGlite).

const statements = [
  // Canned replies: saved by supervisors, one text per language, picked by agents in a reply.
  `create table canned_replies (
     id uuid primary key default gen_random_uuid(),
     title text not null check (length(title) between 1 and 120),
     language text not null check (language ~ '^[a-z]{2}(-[A-Z]{2})?$'),
     body text not null check (length(body) between 1 and 5000),
     version integer not null default 1 check (version > 0),
     created_by uuid references accounts (id),
     updated_by uuid references accounts (id),
     created_at timestamptz not null default now(),
     updated_at timestamptz not null default now(),
     archived_at timestamptz
   )`,
  `create unique index canned_replies_title_language on canned_replies (lower(title), language)
     where archived_at is null`,

  // A merged duplicate stays as a row (ids in old links and mails still resolve to it) but
  // points at the record that survived; it signs nobody in and shows up in no search.
  `alter table customers drop constraint customers_status_check`,
  `alter table customers add constraint customers_status_check
     check (status in ('active', 'closed', 'merged'))`,
  `alter table customers add column merged_into_id uuid references customers (id)`,
  `alter table customers add constraint customers_merged_into
     check ((status = 'merged') = (merged_into_id is not null) and merged_into_id <> id)`,

  // The audit of each merge: who, when, and what moved (counts and the duplicate as it was).
  `create table customer_merges (
     id uuid primary key default gen_random_uuid(),
     survivor_id uuid not null references customers (id),
     merged_id uuid not null unique references customers (id),
     merged_by uuid not null references accounts (id),
     merged_at timestamptz not null default now(),
     moved jsonb not null,
     duplicate_before jsonb not null,
     check (survivor_id <> merged_id)
   )`,
  `create index customer_merges_survivor on customer_merges (survivor_id, merged_at desc)`,

  // Append-only tables stay append-only with one audited exception: a merge re-points rows at
  // the surviving customer. The merge transaction sets cmr.merge locally, and even then only
  // customer_id may change; every other column, and every delete, is still refused.
  `create or replace function refuse_change_of_append_only() returns trigger language plpgsql as $$
   begin
     if tg_op = 'UPDATE'
        and coalesce(current_setting('cmr.merge', true), '') = 'on'
        and (to_jsonb(new) - 'customer_id') = (to_jsonb(old) - 'customer_id') then
       return new;
     end if;
     raise exception '% is append-only', tg_table_name using errcode = 'restrict_violation';
   end $$`,

  // Time a ticket spent waiting on the customer does not count against its resolution target:
  // the clock pauses while the status is waiting_on_customer.
  `alter table tickets add column waiting_on_customer_since timestamptz`,
  `alter table tickets add column waiting_on_customer_seconds integer not null default 0
     check (waiting_on_customer_seconds >= 0)`,
  `update tickets set waiting_on_customer_since = updated_at where status = 'waiting_on_customer'`,

  // Who invited, promoted, demoted, deactivated or reactivated a staff member: staff accounts
  // are not customer records, so they get their own append-only audit beside record_history.
  `create table staff_changes (
     id bigint generated always as identity primary key,
     staff_account_id uuid not null references accounts (id),
     actor_id uuid references accounts (id),
     action text not null check (action in (
       'invited', 'claimed', 'role_changed', 'deactivated', 'reactivated', 'renamed')),
     before jsonb,
     after jsonb,
     occurred_at timestamptz not null default now()
   )`,
  `create index staff_changes_account on staff_changes (staff_account_id, occurred_at desc)`,
  `create trigger staff_changes_append_only before update or delete on staff_changes
     for each row execute function refuse_change_of_append_only()`,

  // Metrics read tickets by the week of their first answer and of their end (resolved, else
  // closed); the second index matches the expression db/staff-metrics.ts groups by.
  `create index tickets_first_response on tickets (first_response_at)
     where first_response_at is not null`,
  `create index tickets_finished on tickets ((coalesce(resolved_at, closed_at)))`,

  // The admin staff list and the queue's assignee filter read active staff by role.
  `create index staff_members_role on staff_members (role) where deactivated_at is null`,
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) {
    await sql.raw(statement).execute(db)
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of [
    `drop index if exists staff_members_role`,
    `drop index if exists tickets_finished`,
    `drop index if exists tickets_first_response`,
    `drop table if exists staff_changes`,
    `alter table tickets drop column if exists waiting_on_customer_seconds`,
    `alter table tickets drop column if exists waiting_on_customer_since`,
    `create or replace function refuse_change_of_append_only() returns trigger language plpgsql as $$
     begin
       raise exception '% is append-only', tg_table_name using errcode = 'restrict_violation';
     end $$`,
    `drop table if exists customer_merges`,
    `alter table customers drop constraint if exists customers_merged_into`,
    `alter table customers drop column if exists merged_into_id`,
    `alter table customers drop constraint customers_status_check`,
    `alter table customers add constraint customers_status_check
       check (status in ('active', 'closed'))`,
    `drop table if exists canned_replies`,
  ]) {
    await sql.raw(statement).execute(db)
  }
}
