import net from 'node:net'

// A stand-in PostgreSQL server that speaks just enough of the wire protocol for node-postgres
// to connect and run `select 1` (simple query protocol), and that can fail the ways a real one
// does while it restarts: end every session with 57P01 admin_shutdown, refuse connections
// (ECONNREFUSED), and turn them away with 57P03 cannot_connect_now while starting up. Lets the
// pool's recovery be tested on any machine, without stopping a shared server.

export type FakePostgresState = 'up' | 'starting' | 'down'

export interface FakePostgres {
  readonly port: number
  readonly url: string
  /** Connections accepted so far (a new one after a restart proves a fresh client was made). */
  readonly connections: number
  /** Ends every open session as `pg_ctl restart` does, then stops listening. */
  shutdown(): Promise<void>
  /** Listens again on the same port, accepting (`up`) or turning away (`starting`) sessions. */
  start(state?: Exclude<FakePostgresState, 'down'>): Promise<void>
  close(): Promise<void>
}

function message(type: string, body: Buffer = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(5)
  header.write(type, 0, 'latin1')
  header.writeInt32BE(body.length + 4, 1)
  return Buffer.concat([header, body])
}

function int16(value: number): Buffer {
  const buffer = Buffer.alloc(2)
  buffer.writeInt16BE(value)
  return buffer
}

function int32(value: number): Buffer {
  const buffer = Buffer.alloc(4)
  buffer.writeInt32BE(value)
  return buffer
}

function cstring(text: string): Buffer {
  return Buffer.from(`${text}\0`, 'utf8')
}

function errorResponse(code: string, text: string): Buffer {
  return message(
    'E',
    Buffer.concat([
      cstring('SFATAL'),
      cstring('VFATAL'),
      cstring(`C${code}`),
      cstring(`M${text}`),
      Buffer.from([0]),
    ]),
  )
}

const authenticationOk = message('R', int32(0))
const readyForQuery = message('Z', Buffer.from('I'))
// One int4 column named `one`, one row holding 1: the answer to any query.
const selectOneAnswer = Buffer.concat([
  message(
    'T',
    Buffer.concat([
      int16(1),
      cstring('one'),
      int32(0),
      int16(0),
      int32(23),
      int16(4),
      int32(-1),
      int16(0),
    ]),
  ),
  message('D', Buffer.concat([int16(1), int32(1), Buffer.from('1')])),
  message('C', cstring('SELECT 1')),
  readyForQuery,
])

export async function startFakePostgres(): Promise<FakePostgres> {
  let state: FakePostgresState = 'up'
  let connections = 0
  const sockets = new Set<net.Socket>()
  let server: net.Server | null = null
  let port = 0

  function onConnection(socket: net.Socket) {
    connections++
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => {})
    let buffered = Buffer.alloc(0)
    let started = false
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk])
      for (;;) {
        if (!started) {
          if (buffered.length < 4) return
          const length = buffered.readInt32BE(0)
          if (buffered.length < length) return
          buffered = buffered.subarray(length)
          started = true
          if (state === 'starting') {
            socket.end(errorResponse('57P03', 'the database system is starting up'))
            return
          }
          socket.write(Buffer.concat([authenticationOk, readyForQuery]))
          continue
        }
        if (buffered.length < 5) return
        const type = String.fromCharCode(buffered[0]!)
        const length = buffered.readInt32BE(1)
        if (buffered.length < length + 1) return
        buffered = buffered.subarray(length + 1)
        if (type === 'Q') socket.write(selectOneAnswer)
        else if (type === 'X') socket.end()
      }
    })
  }

  function listen(): Promise<void> {
    server = net.createServer(onConnection)
    return new Promise((resolve, reject) => {
      server!.once('error', reject)
      server!.listen(port, '127.0.0.1', () => {
        port = (server!.address() as net.AddressInfo).port
        resolve()
      })
    })
  }

  function stopListening(): Promise<void> {
    const current = server
    server = null
    if (!current) return Promise.resolve()
    return new Promise((resolve) => current.close(() => resolve()))
  }

  await listen()

  return {
    get port() {
      return port
    },
    get url() {
      return `postgres://postgres@127.0.0.1:${port}/fake`
    },
    get connections() {
      return connections
    },
    async shutdown() {
      state = 'down'
      for (const socket of sockets) {
        socket.end(errorResponse('57P01', 'terminating connection due to administrator command'))
      }
      // What a client had not read by now, it never will: the server process is gone.
      await new Promise((resolve) => setTimeout(resolve, 20))
      for (const socket of sockets) socket.destroy()
      await stopListening()
    },
    async start(next = 'up') {
      state = next
      if (!server) await listen()
    },
    async close() {
      for (const socket of sockets) socket.destroy()
      await stopListening()
    },
  }
}
