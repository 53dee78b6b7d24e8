import { createInstance } from 'i18next'
import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { I18nextProvider, initReactI18next } from 'react-i18next'
import { describe, expect, it } from 'vitest'
import { i18nConfig } from '#app/i18n/config.ts'
import { resources } from '#app/i18n/resources.ts'
import { conformFieldErrors, ErrorSummaryBox } from './error-summary.tsx'

async function render(language: string, entries: { fieldId: string; message: string }[]) {
  const i18n = createInstance()
  await i18n.use(initReactI18next).init({ ...i18nConfig, resources, lng: language })
  return renderToStaticMarkup(
    createElement(I18nextProvider, { i18n }, createElement(ErrorSummaryBox, { entries })),
  )
}

describe('the error summary', () => {
  it('names the problem and links every error to its field, in the reader’s language', async () => {
    const html = await render('de', [
      { fieldId: 'signin-email', message: 'auth:errors.emailRequired' },
      { fieldId: 'signin-password', message: 'auth:errors.passwordRequired' },
    ])
    expect(html).toContain('Es gibt ein Problem')
    // Focusable by script only (tabIndex -1), labelled by its own heading.
    expect(html).toMatch(/<div[^>]*tabindex="-1"[^>]*aria-labelledby="([^"]+)"[^>]*><h2 id="\1"/)
    const links = [...html.matchAll(/<a href="([^"]+)"[^>]*>([^<]+)<\/a>/g)].map((m) => [
      m[1],
      m[2],
    ])
    expect(links).toEqual([
      ['#signin-email', resources.de.auth.errors.emailRequired],
      ['#signin-password', resources.de.auth.errors.passwordRequired],
    ])
  })

  it('shows an unknown message as the generic text, never as a raw key', async () => {
    const html = await render('en', [{ fieldId: 'x', message: 'no:such.key' }])
    expect(html).toContain('There is a problem')
    expect(html).toContain(resources.en.common.validation.invalidValue)
    expect(html).not.toContain('no:such.key')
  })

  it('takes a Conform form’s field errors by field id, without the form’s own or omitted ones', () => {
    const errors = conformFieldErrors(
      {
        id: 'invite',
        errorId: 'invite-error',
        errors: ['admin:errors.invalid'],
        allErrors: {
          '': ['admin:errors.invalid'],
          email: ['admin:errors.emailInvalid'],
          idempotencyKey: ['x'],
          'lines[0]': ['y'],
        },
      },
      ['idempotencyKey'],
    )
    expect(errors).toEqual({
      'invite-email': ['admin:errors.emailInvalid'],
      'invite-lines[0]': ['y'],
    })
  })
})
