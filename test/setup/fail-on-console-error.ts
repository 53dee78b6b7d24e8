import { format } from 'node:util'
import { afterEach, beforeEach, type MockInstance, vi } from 'vitest'

/**
 * Any console.error fails the test that caused it: an error logged and ignored is a bug that a
 * passing suite would otherwise hide. A test that expects one silences it explicitly:
 *
 *   consoleError.mockImplementation(() => {})
 *   ...
 *   expect(consoleError).toHaveBeenCalledOnce()
 */
export let consoleError: MockInstance<typeof console.error>

let unexpected: string[] = []

beforeEach(() => {
  unexpected = []
  const original = console.error
  consoleError = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    original(...args)
    unexpected.push(format(...args))
  })
})

// Checked after the test rather than thrown from console.error itself: code under test often
// logs inside a catch block, where a throw would change its behaviour or be swallowed.
afterEach(() => {
  // Every vi.spyOn of the test, this one included, so no spy leaks into the next test.
  vi.restoreAllMocks()
  if (unexpected.length > 0) {
    throw new Error(
      `console.error was called ${unexpected.length} time(s) during this test:\n` +
        unexpected.join('\n---\n') +
        '\nIf this is expected, call consoleError.mockImplementation(() => {}) in the test.',
    )
  }
})
