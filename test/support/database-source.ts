import pg from 'pg'

export type TestDatabaseSource =
  | { engine: 'postgres'; serverUrl: string; template: string; prefix: string }
  | { engine: 'pglite'; dumpPath: string }

export function databaseUrlFor(serverUrl: string, database: string): string {
  const url = new URL(serverUrl)
  url.pathname = `/${database}`
  return url.toString()
}

export async function adminQuery<Row extends object = object>(
  serverUrl: string,
  text: string,
): Promise<Row[]> {
  const client = new pg.Client({ connectionString: serverUrl })
  await client.connect()
  try {
    return (await client.query<Row>(text)).rows
  } finally {
    await client.end()
  }
}
