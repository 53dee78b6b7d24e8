import type { Kysely } from 'kysely'
import type { DB } from '#db/schema.ts'

export interface RefusalDetails {
  code: string | undefined
  constraint: string | undefined
  message: string
}

/**
 * What the database said when it refused a statement. Fails the test if the statement succeeded,
 * so a constraint that silently went missing cannot pass for one that held.
 */
export async function refusal(statement: Promise<unknown>): Promise<RefusalDetails> {
  try {
    await statement
  } catch (error) {
    if (!(error instanceof Error)) throw error
    // node-postgres and PGlite both put the server's fields on the error object.
    const fields = error as Error & { code?: unknown; constraint?: unknown }
    return {
      code: typeof fields.code === 'string' ? fields.code : undefined,
      constraint: typeof fields.constraint === 'string' ? fields.constraint : undefined,
      message: error.message,
    }
  }
  throw new Error('Expected the database to refuse the statement, but it was accepted')
}

export async function countRows(db: Kysely<DB>, table: keyof DB): Promise<number> {
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  return row.n
}
