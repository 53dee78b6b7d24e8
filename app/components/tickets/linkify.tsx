import { Fragment } from 'react'
import { linkClass } from '#app/components/forms.tsx'

// Message bodies are plain text written by customers and staff. They are rendered as React text
// (escaped), and only web addresses become links: http and https, nothing a browser would run.

export type TextSegment = string | { href: string; text: string }

const candidate = /\bhttps?:\/\/[^\s<>"'`]+/gi
const trailingPunctuation = /[.,;:!?'"]+$/

/** Drops what usually ends a sentence rather than the address: "see https://x.test/a)." */
function trimUrl(raw: string): string {
  let url = raw.replace(trailingPunctuation, '')
  while (url.endsWith(')') && count(url, '(') < count(url, ')')) {
    url = url.slice(0, -1).replace(trailingPunctuation, '')
  }
  return url
}

function count(text: string, character: string): number {
  return text.split(character).length - 1
}

function safeHref(text: string): string | null {
  try {
    const url = new URL(text)
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null
  } catch {
    return null
  }
}

/** The text cut into plain strings and links, in order; joining their texts gives it back. */
export function splitLinks(text: string): TextSegment[] {
  const segments: TextSegment[] = []
  let position = 0
  for (const match of text.matchAll(candidate)) {
    const start = match.index
    const url = trimUrl(match[0])
    const href = url ? safeHref(url) : null
    if (!href) continue
    if (start > position) segments.push(text.slice(position, start))
    segments.push({ href, text: url })
    position = start + url.length
  }
  if (position < text.length) segments.push(text.slice(position))
  return segments
}

export function LinkifiedText({ text }: { text: string }) {
  return (
    <>
      {splitLinks(text).map((segment, index) =>
        typeof segment === 'string' ? (
          <Fragment key={index}>{segment}</Fragment>
        ) : (
          <a
            key={index}
            href={segment.href}
            rel="noopener noreferrer nofollow"
            className={linkClass}
          >
            {segment.text}
          </a>
        ),
      )}
    </>
  )
}
