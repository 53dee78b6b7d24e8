import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import { LinkifiedText, splitLinks } from '#app/components/tickets/linkify.tsx'

describe('splitLinks', () => {
  it('turns http and https addresses into links and keeps the rest as text', () => {
    expect(splitLinks('Track it at https://track.example/88?id=1. Or http://a.test/x')).toEqual([
      'Track it at ',
      { href: 'https://track.example/88?id=1', text: 'https://track.example/88?id=1' },
      '. Or ',
      { href: 'http://a.test/x', text: 'http://a.test/x' },
    ])
  })

  it('keeps javascript:, data: and other schemes as plain text', () => {
    for (const text of [
      'javascript:alert(document.cookie)',
      'JaVaScRiPt:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox(1)',
      'ftp://files.example/x',
      'www.example.com',
    ]) {
      expect(splitLinks(text)).toEqual([text])
    }
  })

  it('drops sentence punctuation and unbalanced closing brackets from an address', () => {
    expect(splitLinks('(see https://a.test/page).')).toEqual([
      '(see ',
      { href: 'https://a.test/page', text: 'https://a.test/page' },
      ').',
    ])
    expect(splitLinks('https://en.wikipedia.test/wiki/Foo_(bar)!')).toEqual([
      {
        href: 'https://en.wikipedia.test/wiki/Foo_(bar)',
        text: 'https://en.wikipedia.test/wiki/Foo_(bar)',
      },
      '!',
    ])
  })

  it('gives the text back unchanged when its parts are joined', () => {
    const text = 'a https://x.test/"><img src=x onerror=alert(1)> b\nhttps://y.test'
    const joined = splitLinks(text)
      .map((segment) => (typeof segment === 'string' ? segment : segment.text))
      .join('')
    expect(joined).toBe(text)
  })
})

describe('LinkifiedText', () => {
  it('renders escaped text and safe links only', () => {
    const text = '<b>hi</b> javascript:alert(1) https://ok.test/a"onmouseover="x'
    const html = renderToStaticMarkup(createElement(LinkifiedText, { text }))
    expect(html).toContain('&lt;b&gt;hi&lt;/b&gt; javascript:alert(1) ')
    expect(html).not.toContain('href="javascript')
    expect(html).toContain('href="https://ok.test/a"')
    expect(html).toContain('rel="noopener noreferrer nofollow"')
    expect(html).not.toContain('<b>')
  })
})
