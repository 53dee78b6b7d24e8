import { type Kysely, sql } from 'kysely'

// Frozen in time: this file never imports app code, and it is never edited once landed.
// Later changes come as new migrations. Written for PostgreSQL 15 (the server) and 18 (PGlite).

const statements = [
  `create extension if not exists pg_trgm`,

  // Append-only tables refuse updates and deletes at the database, not only in the app.
  `create function refuse_change_of_append_only() returns trigger language plpgsql as $$
   begin
     raise exception '% is append-only', tg_table_name using errcode = 'restrict_violation';
   end $$`,

  // Reference data ---------------------------------------------------------------------------
  `create table channels (
     code text primary key check (code in ('email', 'sms', 'phone', 'post')),
     sort_order smallint not null
   )`,
  `insert into channels (code, sort_order) values ('email', 1), ('sms', 2), ('phone', 3), ('post', 4)`,
  `create table topics (
     code text primary key
       check (code in ('service', 'order_updates', 'newsletter', 'offers', 'surveys', 'events')),
     is_marketing boolean not null,
     sort_order smallint not null
   )`,
  `insert into topics (code, is_marketing, sort_order) values
     ('service', false, 1), ('order_updates', false, 2), ('newsletter', true, 3),
     ('offers', true, 4), ('surveys', true, 5), ('events', true, 6)`,

  // Customers and their contact details -------------------------------------------------------
  `create sequence customer_number_seq start 100001`,
  `create table customers (
     id uuid primary key default gen_random_uuid(),
     customer_number text not null unique default ('C' || nextval('customer_number_seq')),
     given_name text not null check (length(given_name) between 1 and 200),
     family_name text not null check (length(family_name) between 1 and 200),
     preferred_name text check (length(preferred_name) between 1 and 200),
     legal_name text check (length(legal_name) between 1 and 400),
     language text not null default 'en' check (language ~ '^[a-z]{2}(-[A-Z]{2})?$'),
     time_zone text not null default 'UTC' check (length(time_zone) between 1 and 64),
     status text not null default 'active' check (status in ('active', 'closed')),
     version integer not null default 1 check (version > 0),
     created_at timestamptz not null default now(),
     updated_at timestamptz not null default now(),
     closed_at timestamptz,
     anonymised_at timestamptz
   )`,
  // Typo-tolerant name search for staff (pg_trgm); lower() keeps it case-insensitive.
  `create index customers_name_trgm on customers
     using gin (lower(given_name || ' ' || family_name) gin_trgm_ops)`,

  `create table customer_emails (
     id uuid primary key default gen_random_uuid(),
     customer_id uuid not null references customers (id),
     email text not null check (email ~ '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$' and length(email) <= 254),
     is_primary boolean not null default false,
     verified_at timestamptz,
     created_at timestamptz not null default now()
   )`,
  `create unique index customer_emails_customer_email_key on customer_emails (customer_id, lower(email))`,
  `create unique index customer_emails_one_primary on customer_emails (customer_id) where is_primary`,
  `create index customer_emails_email on customer_emails (lower(email))`,

  `create table customer_phones (
     id uuid primary key default gen_random_uuid(),
     customer_id uuid not null references customers (id),
     e164 text not null check (e164 ~ '^\\+[1-9][0-9]{6,14}$'),
     kind text not null default 'mobile' check (kind in ('mobile', 'home', 'work')),
     is_primary boolean not null default false,
     verified_at timestamptz,
     created_at timestamptz not null default now(),
     unique (customer_id, e164)
   )`,
  `create unique index customer_phones_one_primary on customer_phones (customer_id) where is_primary`,
  `create index customer_phones_e164 on customer_phones (e164)`,

  `create table customer_addresses (
     id uuid primary key default gen_random_uuid(),
     customer_id uuid not null references customers (id),
     label text check (length(label) <= 100),
     recipient text not null check (length(recipient) between 1 and 200),
     line1 text not null check (length(line1) between 1 and 200),
     line2 text check (length(line2) <= 200),
     city text not null check (length(city) between 1 and 100),
     region text check (length(region) <= 100),
     postal_code text check (length(postal_code) <= 20),
     country_code text not null check (country_code ~ '^[A-Z]{2}$'),
     is_default_shipping boolean not null default false,
     is_default_billing boolean not null default false,
     version integer not null default 1 check (version > 0),
     created_at timestamptz not null default now(),
     updated_at timestamptz not null default now(),
     removed_at timestamptz
   )`,
  `create index customer_addresses_customer on customer_addresses (customer_id)`,
  `create unique index customer_addresses_one_shipping on customer_addresses (customer_id)
     where is_default_shipping and removed_at is null`,
  `create unique index customer_addresses_one_billing on customer_addresses (customer_id)
     where is_default_billing and removed_at is null`,
  `create index customer_addresses_postal on customer_addresses (country_code, postal_code)`,

  // Accounts, staff and sessions ---------------------------------------------------------------
  `create table accounts (
     id uuid primary key default gen_random_uuid(),
     kind text not null check (kind in ('customer', 'staff')),
     email text not null check (email ~ '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$' and length(email) <= 254),
     password_hash text,
     customer_id uuid unique references customers (id),
     email_verified_at timestamptz,
     created_at timestamptz not null default now(),
     disabled_at timestamptz,
     check ((kind = 'customer') = (customer_id is not null))
   )`,
  // One sign-in per address whatever its letter case.
  `create unique index accounts_email_key on accounts (lower(email))`,

  `create table staff_members (
     account_id uuid primary key references accounts (id),
     display_name text not null check (length(display_name) between 1 and 200),
     role text not null check (role in ('agent', 'supervisor', 'admin')),
     created_at timestamptz not null default now(),
     deactivated_at timestamptz
   )`,

  // Only a SHA-256 of each session token is stored, so a database leak yields no usable session.
  `create table sessions (
     id text primary key check (id ~ '^[0-9a-f]{64}$'),
     account_id uuid not null references accounts (id) on delete cascade,
     expires_at timestamptz not null,
     created_at timestamptz not null default now(),
     last_seen_at timestamptz not null default now(),
     user_agent text,
     ip_address text
   )`,
  `create index sessions_account on sessions (account_id)`,

  // One-time tokens sent by email (password reset, verification, undo, invitations, ...).
  `create table account_tokens (
     token_hash text primary key check (token_hash ~ '^[0-9a-f]{64}$'),
     purpose text not null check (purpose in (
       'password_reset', 'email_verification', 'email_change_undo', 'magic_link',
       'invitation', 'consent_confirmation')),
     account_id uuid references accounts (id) on delete cascade,
     customer_id uuid references customers (id),
     payload jsonb not null default '{}',
     expires_at timestamptz not null,
     used_at timestamptz,
     created_at timestamptz not null default now()
   )`,
  `create index account_tokens_account on account_tokens (account_id, purpose)`,

  // Service targets (staff-editable): response and resolution promises shown to customers.
  `create table service_targets (
     subject_kind text not null check (subject_kind in ('ticket_priority', 'request_kind')),
     subject_value text not null,
     first_response_minutes integer check (first_response_minutes > 0),
     resolution_minutes integer check (resolution_minutes > 0),
     updated_at timestamptz not null default now(),
     updated_by uuid references accounts (id),
     primary key (subject_kind, subject_value)
   )`,

  // Orders ------------------------------------------------------------------------------------
  `create sequence order_number_seq start 500001`,
  `create table orders (
     id uuid primary key default gen_random_uuid(),
     order_number text not null unique default ('O' || nextval('order_number_seq')),
     customer_id uuid not null references customers (id),
     status text not null default 'placed' check (status in (
       'placed', 'paid', 'packed', 'shipped', 'delivered', 'cancelled', 'returned', 'refunded')),
     currency text not null check (currency ~ '^[A-Z]{3}$'),
     subtotal_minor bigint not null check (subtotal_minor >= 0),
     shipping_minor bigint not null default 0 check (shipping_minor >= 0),
     tax_minor bigint not null default 0 check (tax_minor >= 0),
     total_minor bigint not null check (total_minor >= 0),
     shipping_address jsonb,
     billing_address jsonb,
     promised_delivery_on date,
     placed_at timestamptz not null default now(),
     updated_at timestamptz not null default now(),
     version integer not null default 1 check (version > 0),
     check (total_minor = subtotal_minor + shipping_minor + tax_minor)
   )`,
  `create index orders_customer_placed on orders (customer_id, placed_at desc, id desc)`,

  `create table order_lines (
     id uuid primary key default gen_random_uuid(),
     order_id uuid not null references orders (id),
     line_number smallint not null check (line_number > 0),
     sku text not null check (length(sku) between 1 and 64),
     description text not null check (length(description) between 1 and 500),
     quantity integer not null check (quantity > 0),
     unit_price_minor bigint not null check (unit_price_minor >= 0),
     line_total_minor bigint not null check (line_total_minor >= 0),
     unique (order_id, line_number),
     check (line_total_minor = quantity * unit_price_minor)
   )`,

  `create table shipments (
     id uuid primary key default gen_random_uuid(),
     order_id uuid not null references orders (id),
     carrier text not null check (length(carrier) between 1 and 100),
     tracking_number text check (length(tracking_number) <= 100),
     status text not null default 'label_created' check (status in (
       'label_created', 'in_transit', 'out_for_delivery', 'delivered', 'returned', 'lost')),
     shipped_at timestamptz,
     delivered_at timestamptz,
     created_at timestamptz not null default now()
   )`,
  `create index shipments_order on shipments (order_id)`,

  `create table order_events (
     id bigint generated always as identity primary key,
     order_id uuid not null references orders (id),
     status text not null check (status in (
       'placed', 'paid', 'packed', 'shipped', 'delivered', 'cancelled', 'returned', 'refunded')),
     note text check (length(note) <= 2000),
     actor_kind text not null check (actor_kind in ('customer', 'staff', 'integration', 'system')),
     actor_id uuid,
     occurred_at timestamptz not null default now()
   )`,
  `create index order_events_order on order_events (order_id, occurred_at)`,

  // Requests ----------------------------------------------------------------------------------
  `create sequence request_number_seq start 300001`,
  `create table requests (
     id uuid primary key default gen_random_uuid(),
     request_number text not null unique default ('R' || nextval('request_number_seq')),
     customer_id uuid not null references customers (id),
     kind text not null check (kind in (
       'return', 'repair', 'document', 'data_correction', 'account_closure')),
     status text not null default 'submitted' check (status in (
       'submitted', 'in_review', 'waiting_for_customer', 'approved', 'rejected', 'completed',
       'cancelled')),
     subject text not null check (length(subject) between 1 and 200),
     details jsonb not null default '{}',
     order_id uuid references orders (id),
     created_at timestamptz not null default now(),
     updated_at timestamptz not null default now(),
     closed_at timestamptz,
     version integer not null default 1 check (version > 0)
   )`,
  `create index requests_customer_created on requests (customer_id, created_at desc, id desc)`,
  `create index requests_status on requests (status, updated_at)`,

  `create table request_events (
     id bigint generated always as identity primary key,
     request_id uuid not null references requests (id),
     from_status text,
     to_status text not null,
     note text check (length(note) <= 5000),
     visibility text not null default 'public' check (visibility in ('public', 'internal')),
     actor_kind text not null check (actor_kind in ('customer', 'staff', 'integration', 'system')),
     actor_id uuid,
     occurred_at timestamptz not null default now()
   )`,
  `create index request_events_request on request_events (request_id, occurred_at)`,

  // Tickets -----------------------------------------------------------------------------------
  `create sequence ticket_number_seq start 700001`,
  `create table tickets (
     id uuid primary key default gen_random_uuid(),
     ticket_number text not null unique default ('T' || nextval('ticket_number_seq')),
     customer_id uuid not null references customers (id),
     subject text not null check (length(subject) between 1 and 200),
     category text not null check (category in (
       'order', 'delivery', 'billing', 'account', 'product', 'other')),
     status text not null default 'open' check (status in (
       'open', 'waiting_on_customer', 'resolved', 'closed')),
     priority text not null default 'normal' check (priority in ('low', 'normal', 'high', 'urgent')),
     assignee_id uuid references staff_members (account_id),
     order_id uuid references orders (id),
     request_id uuid references requests (id),
     created_at timestamptz not null default now(),
     updated_at timestamptz not null default now(),
     last_customer_message_at timestamptz,
     first_response_at timestamptz,
     resolved_at timestamptz,
     closed_at timestamptz,
     resolved_in_one_interaction boolean,
     rating smallint check (rating between 1 and 5),
     rating_comment text check (length(rating_comment) <= 2000),
     version integer not null default 1 check (version > 0)
   )`,
  `create index tickets_customer_created on tickets (customer_id, created_at desc, id desc)`,
  `create index tickets_queue on tickets (status, priority, created_at)`,
  `create index tickets_assignee on tickets (assignee_id, status)`,

  `create table ticket_messages (
     id uuid primary key default gen_random_uuid(),
     ticket_id uuid not null references tickets (id),
     author_kind text not null check (author_kind in ('customer', 'staff', 'system')),
     author_account_id uuid references accounts (id),
     visibility text not null default 'public' check (visibility in ('public', 'internal')),
     body text not null check (length(body) between 1 and 20000),
     idempotency_key text unique check (length(idempotency_key) <= 100),
     created_at timestamptz not null default now(),
     -- customers never write internal notes
     check (not (author_kind = 'customer' and visibility = 'internal'))
   )`,
  `create index ticket_messages_ticket on ticket_messages (ticket_id, created_at)`,

  `create table ticket_attachments (
     id uuid primary key default gen_random_uuid(),
     message_id uuid not null references ticket_messages (id),
     customer_id uuid not null references customers (id),
     file_name text not null check (length(file_name) between 1 and 255),
     content_type text not null check (length(content_type) between 1 and 255),
     size_bytes integer not null check (size_bytes > 0),
     sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
     storage_key text not null unique,
     created_at timestamptz not null default now()
   )`,
  `create index ticket_attachments_message on ticket_attachments (message_id)`,
  `create index ticket_attachments_customer on ticket_attachments (customer_id)`,

  `create table ticket_events (
     id bigint generated always as identity primary key,
     ticket_id uuid not null references tickets (id),
     kind text not null check (kind in (
       'created', 'status_changed', 'priority_changed', 'assigned', 'linked', 'rated')),
     from_value text,
     to_value text,
     actor_kind text not null check (actor_kind in ('customer', 'staff', 'integration', 'system')),
     actor_id uuid,
     occurred_at timestamptz not null default now()
   )`,
  `create index ticket_events_ticket on ticket_events (ticket_id, occurred_at)`,

  // Consent and communication preferences ------------------------------------------------------
  `create table consent_wordings (
     id uuid primary key default gen_random_uuid(),
     topic text not null references topics (code),
     language text not null check (language ~ '^[a-z]{2}(-[A-Z]{2})?$'),
     version integer not null check (version > 0),
     body text not null check (length(body) between 1 and 5000),
     created_at timestamptz not null default now(),
     created_by uuid references accounts (id),
     unique (topic, language, version)
   )`,

  `create table consent_ledger (
     id bigint generated always as identity primary key,
     customer_id uuid not null references customers (id),
     channel text not null references channels (code),
     topic text not null references topics (code),
     decision text not null check (decision in ('granted', 'withdrawn', 'pending')),
     wording_id uuid references consent_wordings (id),
     language text not null check (language ~ '^[a-z]{2}(-[A-Z]{2})?$'),
     source text not null check (source in (
       'portal', 'staff', 'unsubscribe_link', 'confirmation_link', 'api', 'import', 'system')),
     actor_kind text not null check (actor_kind in ('customer', 'staff', 'integration', 'system')),
     actor_id uuid,
     recorded_at timestamptz not null default now()
   )`,
  `create index consent_ledger_customer on consent_ledger (customer_id, recorded_at desc, id desc)`,
  `create trigger consent_ledger_append_only before update or delete on consent_ledger
     for each row execute function refuse_change_of_append_only()`,

  // The current state, written in the same transaction as the ledger row it points to.
  `create table consent_current (
     customer_id uuid not null references customers (id),
     channel text not null references channels (code),
     topic text not null references topics (code),
     decision text not null check (decision in ('granted', 'withdrawn', 'pending')),
     ledger_id bigint not null references consent_ledger (id),
     updated_at timestamptz not null,
     primary key (customer_id, channel, topic)
   )`,

  `create table communication_preferences (
     customer_id uuid primary key references customers (id),
     preferred_service_channel text not null default 'email' references channels (code),
     marketing_frequency text not null default 'immediate'
       check (marketing_frequency in ('immediate', 'weekly', 'monthly')),
     quiet_hours_start time,
     quiet_hours_end time,
     message_language text check (message_language ~ '^[a-z]{2}(-[A-Z]{2})?$'),
     version integer not null default 1 check (version > 0),
     updated_at timestamptz not null default now(),
     check ((quiet_hours_start is null) = (quiet_hours_end is null))
   )`,

  // History -----------------------------------------------------------------------------------
  `create table record_history (
     id bigint generated always as identity primary key,
     customer_id uuid not null references customers (id),
     entity_type text not null check (entity_type in (
       'customer', 'email', 'phone', 'address', 'account', 'consent', 'preferences', 'order',
       'request', 'ticket', 'session')),
     entity_id text not null,
     action text not null check (length(action) between 1 and 64),
     actor_kind text not null check (actor_kind in ('customer', 'staff', 'integration', 'system')),
     actor_id uuid,
     channel text not null check (channel in (
       'portal', 'staff', 'email_link', 'api', 'import', 'system')),
     before jsonb,
     after jsonb,
     occurred_at timestamptz not null default now(),
     check (actor_kind in ('integration', 'system') or actor_id is not null)
   )`,
  `create index record_history_customer on record_history (customer_id, occurred_at desc, id desc)`,
  `create index record_history_entity on record_history (entity_type, entity_id)`,
  `create trigger record_history_append_only before update or delete on record_history
     for each row execute function refuse_change_of_append_only()`,

  // Every time staff open a customer's record; shown to the customer.
  `create table record_access_log (
     id bigint generated always as identity primary key,
     customer_id uuid not null references customers (id),
     staff_account_id uuid not null references staff_members (account_id),
     page text not null check (length(page) between 1 and 200),
     viewed_at timestamptz not null default now()
   )`,
  `create index record_access_log_customer on record_access_log (customer_id, viewed_at desc)`,
  `create trigger record_access_log_append_only before update or delete on record_access_log
     for each row execute function refuse_change_of_append_only()`,

  // Notifications -----------------------------------------------------------------------------
  `create table notification_outbox (
     id bigint generated always as identity primary key,
     customer_id uuid not null references customers (id),
     topic text not null references topics (code),
     template text not null check (length(template) between 1 and 100),
     payload jsonb not null default '{}',
     entity_type text,
     entity_id text,
     status text not null default 'pending' check (status in (
       'pending', 'processing', 'sent', 'refused', 'failed')),
     attempts integer not null default 0 check (attempts >= 0),
     next_attempt_at timestamptz not null default now(),
     last_error text,
     created_at timestamptz not null default now(),
     processed_at timestamptz
   )`,
  `create index notification_outbox_due on notification_outbox (next_attempt_at)
     where status = 'pending'`,

  `create table notification_deliveries (
     id bigint generated always as identity primary key,
     outbox_id bigint references notification_outbox (id),
     customer_id uuid not null references customers (id),
     channel text references channels (code),
     topic text not null references topics (code),
     outcome text not null check (outcome in ('sent', 'refused', 'failed')),
     reason text,
     recipient text,
     subject text,
     created_at timestamptz not null default now()
   )`,
  `create index notification_deliveries_customer on notification_deliveries (customer_id, created_at desc)`,
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) {
    await sql.raw(statement).execute(db)
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const tables = [
    'notification_deliveries',
    'notification_outbox',
    'record_access_log',
    'record_history',
    'communication_preferences',
    'consent_current',
    'consent_ledger',
    'consent_wordings',
    'ticket_events',
    'ticket_attachments',
    'ticket_messages',
    'tickets',
    'request_events',
    'requests',
    'order_events',
    'shipments',
    'order_lines',
    'orders',
    'service_targets',
    'account_tokens',
    'sessions',
    'staff_members',
    'accounts',
    'customer_addresses',
    'customer_phones',
    'customer_emails',
    'customers',
    'topics',
    'channels',
  ]
  for (const table of tables) await sql.raw(`drop table if exists ${table}`).execute(db)
  for (const sequence of [
    'ticket_number_seq',
    'request_number_seq',
    'order_number_seq',
    'customer_number_seq',
  ]) {
    await sql.raw(`drop sequence if exists ${sequence}`).execute(db)
  }
  await sql.raw(`drop function if exists refuse_change_of_append_only()`).execute(db)
}
