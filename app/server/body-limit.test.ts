import http from 'node:http'
import { type AddressInfo } from 'node:net'
import express from 'express'
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest'
import {
  bodyLimit,
  bodyLimitFor,
  bodyWasRefused,
  FORM_BODY_LIMIT_BYTES,
  MULTIPART_BODY_LIMIT_BYTES,
  requestBody,
} from './body-limit.ts'

// The body limit in front of a stand-in app that reads the body the way our Remix handler does
// (through `requestBody`) and records what it got: a refused body must never be read whole.

type Reached = { path: string; bytes: number; complete: boolean }

let baseUrl = ''
let port = 0
let close: () => Promise<void> = async () => {}
let reached: Reached[] = []

beforeAll(async () => {
  const app = express()
  app.use(bodyLimit())
  app.all('*', async (req, res) => {
    let bytes = 0
    try {
      for await (const chunk of requestBody(req)) bytes += (chunk as Buffer).length
    } catch {
      reached.push({ path: req.path, bytes, complete: false })
      return
    }
    reached.push({ path: req.path, bytes, complete: true })
    if (!bodyWasRefused(req)) res.json({ bytes })
  })
  const server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  port = (server.address() as AddressInfo).port
  baseUrl = `http://127.0.0.1:${port}`
  close = () => new Promise((resolve) => server.close(() => resolve()))
})

afterAll(() => close())

beforeEach(() => {
  reached = []
  // Each refusal is logged as a warning line; keep the test output readable.
  vi.spyOn(console, 'warn').mockImplementation(() => {})
})

async function expectRefused(response: { status: number; headers: Headers; body: string }) {
  expect(response.status).toBe(413)
  expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
  expect(response.headers.get('cache-control')).toBe('no-store')
  expect(response.body).toContain('<title>This form is too large to send</title>')
  expect(response.body).toContain('Nothing has been saved.')
  expect(response.body).toContain('at most 3 attachments of 5 MB each')
  expect(response.body).not.toContain('<script')
}

/** A POST without Content-Length: the body goes out chunked, `chunks` pieces of `chunk`. */
function postChunked(
  path: string,
  contentType: string,
  chunk: Buffer,
  chunks: number,
): Promise<{ status: number; headers: Headers; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: '127.0.0.1', port, path, method: 'POST', headers: { 'Content-Type': contentType } },
      (response) => {
        let body = ''
        response.setEncoding('utf8')
        response.on('data', (text: string) => (body += text))
        response.on('end', () => {
          const headers = new Headers()
          for (const [name, value] of Object.entries(response.headers)) {
            if (typeof value === 'string') headers.set(name, value)
          }
          resolve({ status: response.statusCode ?? 0, headers, body })
        })
      },
    )
    // The server may close the connection once it has answered; what matters is its answer.
    request.on('error', reject)
    let sent = 0
    const writeMore = () => {
      while (sent < chunks) {
        sent++
        if (!request.write(chunk)) {
          request.once('drain', writeMore)
          return
        }
      }
      request.end()
    }
    writeMore()
  })
}

async function fetchAsRecord(url: string, init: RequestInit) {
  const response = await fetch(url, init)
  return { status: response.status, headers: response.headers, body: await response.text() }
}

describe('a body over the limit is refused with the translated 413 page', () => {
  test('a url-encoded form whose Content-Length is over the limit, before anything reads it', async () => {
    const body = `message=${'a'.repeat(FORM_BODY_LIMIT_BYTES)}`
    const response = await fetchAsRecord(`${baseUrl}/tickets/T-1`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body,
    })
    await expectRefused(response)
    expect(response.headers.get('connection')).toBe('close')
    expect(reached).toEqual([])
  })

  test('a url-encoded body without a length is cut off as it streams past the limit', async () => {
    // 64 KiB pieces, 1 MiB in all: four times the limit.
    const response = await postChunked(
      '/profile',
      'application/x-www-form-urlencoded',
      Buffer.alloc(64 * 1024, 'a'),
      16,
    )
    await expectRefused(response)
    expect(reached).toHaveLength(1)
    expect(reached[0]).toMatchObject({ path: '/profile', complete: false })
    expect(reached[0]!.bytes).toBeLessThanOrEqual(FORM_BODY_LIMIT_BYTES)
  })

  test('a multipart upload whose Content-Length is over the upload limit', async () => {
    const form = new FormData()
    form.set('message', 'Four big files')
    for (let i = 0; i < 4; i++) {
      form.append('attachments', new File([new Uint8Array(5 * 1024 * 1024)], `scan-${i}.pdf`))
    }
    const response = await fetchAsRecord(`${baseUrl}/tickets/new`, { method: 'POST', body: form })
    await expectRefused(response)
    expect(reached).toEqual([])
  })

  test('a multipart body without a length is cut off past the upload limit', async () => {
    const response = await postChunked(
      '/tickets/new',
      'multipart/form-data; boundary=x',
      Buffer.alloc(1024 * 1024, 'a'),
      20,
    )
    await expectRefused(response)
    expect(reached).toHaveLength(1)
    expect(reached[0]).toMatchObject({ complete: false })
    expect(reached[0]!.bytes).toBeLessThanOrEqual(MULTIPART_BODY_LIMIT_BYTES)
  })

  test('other methods that carry a body are limited too, and data requests', async () => {
    for (const [method, path] of [
      ['PUT', '/profile'],
      ['PATCH', '/profile'],
      ['DELETE', '/profile'],
      ['POST', '/profile.data'],
    ] as const) {
      const response = await fetchAsRecord(`${baseUrl}${path}`, {
        method,
        headers: { 'Content-Type': 'text/plain' },
        body: 'x'.repeat(FORM_BODY_LIMIT_BYTES + 1),
      })
      await expectRefused(response)
    }
    expect(reached).toEqual([])
  })
})

describe('the largest legitimate forms still pass', () => {
  test('a 20,000 character staff reply in a script of 3-byte characters, url-encoded', async () => {
    const message = '返'.repeat(20_000)
    const body = new URLSearchParams({
      intent: 'reply',
      message,
      idempotencyKey: crypto.randomUUID(),
    })
    const encoded = body.toString()
    expect(encoded.length).toBeGreaterThan(180_000)
    const response = await fetch(`${baseUrl}/staff/tickets/T-1`, { method: 'POST', body })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ bytes: encoded.length })
  })

  test('the same reply streamed without a length', async () => {
    const encoded = new URLSearchParams({ message: '返'.repeat(20_000) }).toString()
    const response = await postChunked(
      '/staff/tickets/T-1',
      'application/x-www-form-urlencoded',
      Buffer.from(encoded),
      1,
    )
    expect(response.status).toBe(200)
    expect(JSON.parse(response.body)).toEqual({ bytes: encoded.length })
    expect(reached).toEqual([{ path: '/staff/tickets/T-1', bytes: encoded.length, complete: true }])
  })

  test('a ticket with a 20,000 character message and three files of 5 MiB each', async () => {
    const form = new FormData()
    form.set('subject', 'ü'.repeat(200))
    form.set('message', '返'.repeat(20_000))
    form.set('idempotencyKey', crypto.randomUUID())
    for (let i = 0; i < 3; i++) {
      form.append('attachments', new File([new Uint8Array(5 * 1024 * 1024)], `scan-${i}.pdf`))
    }
    const response = await fetch(`${baseUrl}/tickets/new`, { method: 'POST', body: form })
    expect(response.status).toBe(200)
    const { bytes } = (await response.json()) as { bytes: number }
    expect(bytes).toBeGreaterThan(3 * 5 * 1024 * 1024)
    expect(reached).toEqual([{ path: '/tickets/new', bytes, complete: true }])
  })

  test('reads are never checked', async () => {
    const response = await fetch(`${baseUrl}/profile`)
    expect(response.status).toBe(200)
  })
})

test('bodyLimitFor: multipart gets the upload limit, everything else the form limit', () => {
  expect(bodyLimitFor('multipart/form-data; boundary=abc')).toBe(MULTIPART_BODY_LIMIT_BYTES)
  expect(bodyLimitFor('Multipart/Form-Data; boundary=abc')).toBe(MULTIPART_BODY_LIMIT_BYTES)
  expect(bodyLimitFor('application/x-www-form-urlencoded')).toBe(FORM_BODY_LIMIT_BYTES)
  expect(bodyLimitFor('text/plain;charset=UTF-8')).toBe(FORM_BODY_LIMIT_BYTES)
  expect(bodyLimitFor(undefined)).toBe(FORM_BODY_LIMIT_BYTES)
  // Not fooled by a multipart type further along the header.
  expect(bodyLimitFor('text/plain; x=multipart/form-data')).toBe(FORM_BODY_LIMIT_BYTES)
  expect(MULTIPART_BODY_LIMIT_BYTES).toBe(16 * 1024 * 1024)
  expect(FORM_BODY_LIMIT_BYTES).toBe(256 * 1024)
})
