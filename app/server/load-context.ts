// What our Express server hands every loader and action besides the request (server.ts builds
// it in getLoadContext). Route tests call loaders without one, so readers treat each field as
// possibly absent: `context.clientIp ?? null`.
declare module '@remix-run/node' {
  interface AppLoadContext {
    /** The per-request nonce the Content-Security-Policy allows Remix's inline scripts by. */
    cspNonce?: string
    /** The client's address as Express sees it (`req.ip`, honouring `trust proxy`). */
    clientIp?: string | null
  }
}

export {}
