import { type Kysely, sql } from 'kysely'

// Frozen in time: this file never imports app code, and it is never edited once landed.
// Written for PostgreSQL 15 (the server) and 18 (PGlite).

const statements = [
  // One row per rate-limit bucket: an action (sign-in, password reset, ...) and what it is
  // counted by (an email address or a client address). Kept in the database rather than in
  // memory so that several app instances share the same counts. Rows are short-lived: a bucket
  // is forgotten once expires_at has passed.
  `create table rate_limits (
     bucket text not null check (length(bucket) between 1 and 60),
     key text not null check (length(key) between 1 and 400),
     hits integer not null check (hits >= 0),
     blocked_until timestamptz,
     expires_at timestamptz not null,
     primary key (bucket, key)
   )`,
  `create index rate_limits_expires_at on rate_limits (expires_at)`,
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) {
    await sql.raw(statement).execute(db)
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`drop table if exists rate_limits`).execute(db)
}
