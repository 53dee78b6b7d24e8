import { getCountries, getCountryCallingCode } from 'libphonenumber-js'
import { type PhoneCountryOption } from './phone-form.tsx'

// Country names come from Intl on the server and travel with the page, so the server render and
// the browser show the same names (two ICU versions can differ).

export function phoneCountryOptions(locale: string): PhoneCountryOption[] {
  const names = new Intl.DisplayNames([locale], { type: 'region' })
  const collator = new Intl.Collator(locale)
  return getCountries()
    .map((code) => ({
      code,
      name: names.of(code) ?? code,
      callingCode: getCountryCallingCode(code),
    }))
    .sort((a, b) => collator.compare(a.name, b.name))
}
