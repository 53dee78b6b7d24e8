import { randomBytes } from 'node:crypto'
import pg from 'pg'

// Starts the built app for Playwright. With TEST_DATABASE_URL set, the run gets a database of
// its own on that server, so e2e proves the app on real PostgreSQL and never shares rows with
// another run; without it, the embedded database in DATA_DIR is used.
const serverUrl = process.env.TEST_DATABASE_URL
if (serverUrl) {
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  try {
    // Databases of earlier runs; one still in use by a concurrent run refuses the drop.
    const { rows } = await admin.query<{ datname: string }>(
      `select datname from pg_database where datname like 'cmr_e2e_%'`,
    )
    for (const { datname } of rows) {
      await admin.query(`drop database if exists ${datname}`).catch(() => undefined)
    }
    const name = `cmr_e2e_${randomBytes(5).toString('hex')}`
    await admin.query(`create database ${name}`)
    const url = new URL(serverUrl)
    url.pathname = `/${name}`
    process.env.DATABASE_URL = url.toString()
  } finally {
    await admin.end()
  }
}

await import('../../server.ts')
