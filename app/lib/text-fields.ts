import { type ZodString } from 'zod'

// What free text a form may carry, shared by every schema with a text field. PostgreSQL refuses
// NUL in text and jsonb ("invalid byte sequence for encoding UTF8: 0x00"), so without this a NUL
// in a name was a 500; the other control characters are stored but are never typed on purpose,
// and they break mail headers, CSV exports and what the reader sees. They are refused at the
// field, with a message, rather than stripped: the person sees what was wrong with what they sent.
// Shared by the browser and the server, like the schemas that use it.

/** Translation keys of the messages (namespace `common`, group `fieldErrors`). */
export const TEXT_FIELD_ERRORS = {
  controlCharacters: 'common:fieldErrors.controlCharacters',
  lineBreaks: 'common:fieldErrors.lineBreaks',
  numberTooLarge: 'common:fieldErrors.numberTooLarge',
} as const

// Cc (C0, DEL, C1) except tab, line feed and carriage return, which a textarea sends.
// eslint-disable-next-line no-control-regex
const CONTROL_EXCEPT_LINE_BREAKS = /^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$/
// A one-line field has no line breaks or tabs either: they do not come from an <input>.
const NO_LINE_BREAKS = /^[^\t\n\r]*$/

/** True when `value` holds a control character a text field must not carry. */
export function hasControlCharacters(value: string, options: { multiLine?: boolean } = {}) {
  return (
    !CONTROL_EXCEPT_LINE_BREAKS.test(value) || (!options.multiLine && !NO_LINE_BREAKS.test(value))
  )
}

/** An <input> field's text: no control characters, no line breaks. Stays a ZodString. */
export function singleLine(schema: ZodString): ZodString {
  return schema
    .regex(CONTROL_EXCEPT_LINE_BREAKS, TEXT_FIELD_ERRORS.controlCharacters)
    .regex(NO_LINE_BREAKS, TEXT_FIELD_ERRORS.lineBreaks)
}

/** A <textarea>'s text: line breaks and tabs allowed, other control characters not. */
export function multiLine(schema: ZodString): ZodString {
  return schema.regex(CONTROL_EXCEPT_LINE_BREAKS, TEXT_FIELD_ERRORS.controlCharacters)
}

/**
 * The largest value of a PostgreSQL `integer` column (versions, ids from hidden fields). A larger
 * number is not a version we ever rendered, and the database would refuse it with an error.
 */
export const MAX_INTEGER = 2_147_483_647
