import { defineConfig } from 'vitest/config'

// No Remix plugin here: it expects to own the dev server and breaks under Vitest. Vite resolves
// the `#app/*` and `#db/*` imports from package.json by itself.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['app/**/*.test.{ts,tsx}', 'db/**/*.test.ts', 'test/**/*.test.ts'],
    setupFiles: ['./test/setup/fail-on-console-error.ts'],
    globalSetup: ['./test/setup/global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
})
