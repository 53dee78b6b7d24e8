import { type Kysely, sql } from 'kysely'

// Frozen in time: this file never imports app code, and it is never edited once landed.
// Written for PostgreSQL 15 (the server) and 18 (PGlite).

const statements = [
  // One authenticator (TOTP, RFC 6238) per account. The secret is stored encrypted by the app
  // (AES-256-GCM under a key derived from SESSION_SECRET), never as the base32 text a user types.
  // enabled_at is null while an enrolment waits for its first right code. last_used_step is the
  // 30-second time step of the last accepted code: a code is accepted once, never replayed.
  `create table two_factor_secrets (
     account_id uuid primary key references accounts (id) on delete cascade,
     secret_encrypted text not null check (length(secret_encrypted) between 1 and 400),
     enabled_at timestamptz,
     last_used_step bigint,
     created_at timestamptz not null default now()
   )`,

  // One-time recovery codes: only a SHA-256 of each is stored (they are random and long, so a
  // slow hash adds nothing); used_at marks a spent one.
  `create table two_factor_recovery_codes (
     id bigint generated always as identity primary key,
     account_id uuid not null references accounts (id) on delete cascade,
     code_hash text not null check (code_hash ~ '^[0-9a-f]{64}$'),
     created_at timestamptz not null default now(),
     used_at timestamptz,
     unique (account_id, code_hash)
   )`,

  // A sign-in that passed its first factor (password or emailed link) and waits for the second.
  // Kept here, not in an app server's memory, so any instance can finish it. Only a SHA-256 of
  // the browser's token is stored. enrolled_at: a staff member who had no authenticator set one
  // up inside this sign-in and was shown the recovery codes; only "continue" is left.
  `create table sign_in_challenges (
     token_hash text primary key check (token_hash ~ '^[0-9a-f]{64}$'),
     account_id uuid not null references accounts (id) on delete cascade,
     flow text not null check (flow in ('password', 'magic_link')),
     redirect_to text check (length(redirect_to) <= 2000),
     enrolled_at timestamptz,
     created_at timestamptz not null default now(),
     expires_at timestamptz not null
   )`,
  `create index sign_in_challenges_account on sign_in_challenges (account_id)`,
  `create index sign_in_challenges_expires_at on sign_in_challenges (expires_at)`,
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) {
    await sql.raw(statement).execute(db)
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['sign_in_challenges', 'two_factor_recovery_codes', 'two_factor_secrets']) {
    await sql.raw(`drop table if exists ${table}`).execute(db)
  }
}
