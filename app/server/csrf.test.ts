import { type AddressInfo } from 'node:net'
import express from 'express'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { csrfGuard, isAllowedRequest, ONE_CLICK_UNSUBSCRIBE_PATH } from './csrf.ts'

const APP_ORIGIN = 'https://portal.example.com'

let baseUrl = ''
let close: () => Promise<void> = async () => {}
// What reached the app behind the guard: a refused request must never appear here.
let reached: string[] = []

beforeAll(async () => {
  const app = express()
  app.use(csrfGuard({ appOrigin: APP_ORIGIN }))
  app.all('*', (req, res) => {
    reached.push(`${req.method} ${req.path}`)
    res.send('done')
  })
  const server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  close = () => new Promise((resolve) => server.close(() => resolve()))
})

afterAll(() => close())

beforeEach(() => {
  reached = []
})

function postForm(path: string, headers: Record<string, string>, method = 'POST') {
  return fetch(`${baseUrl}${path}`, {
    method,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: 'preferredName=Mallory',
    redirect: 'manual',
  })
}

async function expectRefused(response: Response) {
  expect(response.status).toBe(403)
  expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
  expect(response.headers.get('cache-control')).toBe('no-store')
  const html = await response.text()
  expect(html).toContain('<html lang="en" dir="ltr">')
  expect(html).toContain('<title>This form was not sent</title>')
  expect(html).toContain('Nothing has been changed.')
  expect(html).not.toContain('<script')
  expect(reached).toEqual([])
}

describe('a state-changing request from another site', () => {
  test('a cross-site form post is refused with the translated 403 page', async () => {
    await expectRefused(
      await postForm('/profile', { 'Sec-Fetch-Site': 'cross-site', Origin: 'https://evil.test' }),
    )
  })

  test('a post from a sibling subdomain (same-site) is refused', async () => {
    await expectRefused(
      await postForm('/profile', {
        'Sec-Fetch-Site': 'same-site',
        Origin: 'https://blog.example.com',
      }),
    )
  })

  test('Sec-Fetch-Site decides over a matching Origin', async () => {
    await expectRefused(
      await postForm('/profile', { 'Sec-Fetch-Site': 'cross-site', Origin: APP_ORIGIN }),
    )
  })

  test('without Sec-Fetch-Site, an Origin of another host is refused', async () => {
    await expectRefused(await postForm('/profile', { Origin: 'https://evil.test' }))
  })

  test('without Sec-Fetch-Site, our host on another scheme or port is refused', async () => {
    await expectRefused(await postForm('/profile', { Origin: 'http://portal.example.com' }))
    await expectRefused(await postForm('/profile', { Origin: `${APP_ORIGIN}:8443` }))
  })

  test('an opaque origin (a data: page, a sandboxed frame) is refused', async () => {
    await expectRefused(await postForm('/profile', { Origin: 'null' }))
  })

  test('a post with neither header is refused', async () => {
    await expectRefused(await postForm('/profile', {}))
  })

  test('every method but GET, HEAD and OPTIONS is checked, and Remix data requests too', async () => {
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      await expectRefused(await postForm('/profile', { 'Sec-Fetch-Site': 'cross-site' }, method))
    }
    await expectRefused(await postForm('/profile?_data=routes%2Fprofile', {}))
    await expectRefused(await postForm('/profile.data', { 'Sec-Fetch-Site': 'cross-site' }))
  })

  test('a reader of a language we do not have yet gets the English page', async () => {
    // Chosen like pages: the `lng` cookie, then Accept-Language, then English.
    await expectRefused(await postForm('/profile', { 'Accept-Language': 'fi-FI,fi;q=0.9' }))
  })
})

describe('requests that pass', () => {
  test('a same-origin post passes', async () => {
    const response = await postForm('/profile', {
      'Sec-Fetch-Site': 'same-origin',
      Origin: APP_ORIGIN,
    })
    expect(response.status).toBe(200)
    expect(reached).toEqual(['POST /profile'])
  })

  test('a request the person started themselves (Sec-Fetch-Site: none) passes', async () => {
    const response = await postForm('/logout', { 'Sec-Fetch-Site': 'none' })
    expect(response.status).toBe(200)
    expect(reached).toEqual(['POST /logout'])
  })

  test('an older browser sending only our Origin passes', async () => {
    const response = await postForm('/profile', { Origin: APP_ORIGIN })
    expect(response.status).toBe(200)
    expect(reached).toEqual(['POST /profile'])
  })

  test('the one-click unsubscribe POST is exempt, with no headers at all', async () => {
    const response = await postForm(`${ONE_CLICK_UNSUBSCRIBE_PATH}?token=abc`, {})
    expect(response.status).toBe(200)
    expect(reached).toEqual([`POST ${ONE_CLICK_UNSUBSCRIBE_PATH}`])
  })

  test('only that exact path is exempt', async () => {
    await expectRefused(await postForm('/unsubscribe', {}))
    await expectRefused(await postForm(`${ONE_CLICK_UNSUBSCRIBE_PATH}/extra`, {}))
    await expectRefused(await postForm(ONE_CLICK_UNSUBSCRIBE_PATH, {}, 'PUT'))
  })

  test('GET, HEAD and OPTIONS are never checked', async () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS']) {
      const response = await fetch(`${baseUrl}/profile`, {
        method,
        headers: { 'Sec-Fetch-Site': 'cross-site', Origin: 'https://evil.test' },
      })
      expect(response.status).toBe(200)
    }
    expect(reached).toEqual(['GET /profile', 'HEAD /profile', 'OPTIONS /profile'])
  })
})

test('isAllowedRequest: an unknown Sec-Fetch-Site value is refused', () => {
  const request = { method: 'POST', path: '/profile', origin: APP_ORIGIN }
  expect(isAllowedRequest({ ...request, secFetchSite: 'same-origin' }, APP_ORIGIN)).toBe(true)
  expect(isAllowedRequest({ ...request, secFetchSite: 'something-new' }, APP_ORIGIN)).toBe(false)
  expect(isAllowedRequest({ ...request, secFetchSite: '' }, APP_ORIGIN)).toBe(false)
})
