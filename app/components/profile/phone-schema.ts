import { type CountryCode, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js'
import { z } from 'zod'

// Apart from the other profile schemas: libphonenumber's metadata is large, and only the phone
// pages need it in the browser.

export const PHONE_KINDS = ['mobile', 'home', 'work'] as const

/** Country and number as typed; the output carries the number in E.164 (+46701234567). */
export const PhoneSchema = z
  .object({
    country: z
      .string({ required_error: 'profile:errors.countryRequired' })
      .refine((value) => isSupportedCountry(value), 'profile:errors.countryRequired'),
    number: z
      .string({ required_error: 'profile:errors.phoneRequired' })
      .trim()
      .max(40, 'profile:errors.phoneInvalid'),
    kind: z.enum(PHONE_KINDS, { errorMap: () => ({ message: 'validation.invalidValue' }) }),
    makePrimary: z.boolean().optional(),
  })
  .transform((value, ctx) => {
    const parsed = parsePhoneNumberFromString(value.number, value.country as CountryCode)
    if (!parsed?.isValid()) {
      ctx.addIssue({ code: 'custom', path: ['number'], message: 'profile:errors.phoneInvalid' })
      return z.NEVER
    }
    return { ...value, e164: parsed.number }
  })
