import { parseArgs } from 'node:util'
import { sql } from 'kysely'
import { describeTarget, type OpenDatabase, openDatabase, targetFromEnv } from '../database.ts'
import { migrateToLatest } from '../migrate.ts'
import { DEMO_CUSTOMER_LOGINS, DEMO_STAFF_LOGINS, seedDemo } from '../seed/demo.ts'
import { seedScale } from '../seed/scale.ts'
import { describeSummary, type SeedSummary } from '../seed/summary.ts'

const usage = `Usage:
  npm run db:seed                          demo customers and the demo logins (README)
  npm run db:seed -- --customers 100000    that many more customers, for benchmarks

The database is DATABASE_URL, else the embedded one in DATA_DIR (default ./data).`

let options: { customers?: string; help?: boolean }
try {
  options = parseArgs({
    options: { customers: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  }).values
} catch (error) {
  console.error(`${error instanceof Error ? error.message : String(error)}\n\n${usage}`)
  process.exit(2)
}
if (options.help) {
  console.log(usage)
  process.exit(0)
}
const customers = options.customers === undefined ? null : Number(options.customers)
if (customers !== null && !(Number.isInteger(customers) && customers > 0)) {
  console.error(`--customers needs a positive whole number, not "${options.customers}"\n\n${usage}`)
  process.exit(2)
}

const target = targetFromEnv()
let database: OpenDatabase
try {
  database = await openDatabase(target)
} catch (error) {
  // Typically the embedded folder is in use by a running server; the message says what to do.
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
}
const { db, close } = database
try {
  await migrateToLatest(db)
  const started = performance.now()
  let summary: SeedSummary | null = null
  if (customers !== null) {
    console.log(`Adding ${customers} customers to ${describeTarget(target)} ...`)
    summary = await seedScale(db, { customers })
  } else {
    const demoEmails = [
      ...Object.values(DEMO_CUSTOMER_LOGINS),
      ...Object.values(DEMO_STAFF_LOGINS).map((login) => login.email),
    ]
    const existing = await db
      .selectFrom('accounts')
      .select('email')
      .where(sql<string>`lower(email)`, 'in', demoEmails)
      .execute()
    if (existing.length > 0) {
      console.error(
        `${describeTarget(target)} already has the demo logins ` +
          `(${existing.map((row) => row.email).join(', ')}); nothing was added. ` +
          'Seed an empty database instead (for the embedded one, another DATA_DIR).',
      )
      process.exitCode = 1
    } else {
      console.log(`Seeding demo data into ${describeTarget(target)} ...`)
      summary = await seedDemo(db)
    }
  }
  if (summary) {
    const seconds = ((performance.now() - started) / 1000).toFixed(1)
    console.log(`Added ${describeSummary(summary)} in ${seconds} s`)
  }
} catch (error) {
  console.error('Seeding failed; nothing from the failed step was kept.', error)
  process.exitCode = 1
} finally {
  await close()
}
