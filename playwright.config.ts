import { mkdirSync, mkdtempSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { defineConfig } from '@playwright/test'

// Playwright loads this file in the runner and again in every worker. Values chosen here are
// kept in process.env (which workers inherit), so all of them agree on one port and folder.
process.env.E2E_PORT ??= String(40_000 + Math.floor(Math.random() * 10_000))
// A fresh folder per run: e2e never touches ./data, and no run sees another's rows or mail.
process.env.E2E_DATA_DIR ??= mkdtempSync(path.join(os.tmpdir(), 'cmr-e2e-'))
process.env.E2E_MAIL_DIR ??= path.join(process.env.E2E_DATA_DIR, 'mail')
mkdirSync(process.env.E2E_MAIL_DIR, { recursive: true })

const port = Number(process.env.E2E_PORT)
const baseURL = `http://localhost:${port}`
const isCI = Boolean(process.env.CI)

const serverEnv: Record<string, string> = {
  NODE_ENV: 'production',
  PORT: String(port),
  HOST: '127.0.0.1',
  APP_URL: baseURL,
  // Only for this throwaway server; production refuses to start on the development default.
  SESSION_SECRET: 'e2e-only-session-secret-0123456789abcdef',
  DATA_DIR: process.env.E2E_DATA_DIR,
  MAIL_DIR: process.env.E2E_MAIL_DIR,
  SEED_DEMO: '1',
  // Offers the en-XA pseudo-locale (e2e/pseudo-locale.spec.ts); only ever on this test server.
  PSEUDO_LOCALE: '1',
}
// Playwright hands its own environment to the server, so a developer's DATABASE_URL would send
// the e2e run to their database. e2e/support/serve.ts instead makes a fresh database on the
// TEST_DATABASE_URL server when that is set (as in CI), and otherwise PGlite in DATA_DIR is used.
delete process.env.DATABASE_URL

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  fullyParallel: false,
  forbidOnly: isCI,
  retries: 0,
  workers: isCI ? 1 : undefined,
  reporter: isCI ? [['list'], ['github']] : [['list']],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    browserName: 'chromium',
    launchOptions: {
      // The system Chromium: Playwright never downloads a browser on our machines.
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  webServer: {
    // The built app, as `npm start` runs it; `npm run test:e2e` builds first.
    command: 'npx tsx e2e/support/serve.ts',
    url: `${baseURL}/readyz`,
    env: serverEnv,
    reuseExistingServer: false,
    timeout: 120_000,
    // The server's one-line-per-request log would drown the test report; errors still show.
    stdout: 'ignore',
    stderr: 'pipe',
    // SIGTERM lets the server close its database cleanly instead of being killed mid-write.
    gracefulShutdown: { signal: 'SIGTERM', timeout: 15_000 },
  },
})
