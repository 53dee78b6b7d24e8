// What a postal address needs in each country we know about, shared by the browser (instant
// feedback) and the server (the check that counts). Countries not listed need a street, a city
// and the country; their postal code and region are optional and free-form.

export interface AddressRule {
  postalCode: { required: boolean; pattern: RegExp; example: string } | null
  region: { required: boolean; pattern?: RegExp; example?: string } | null
}

export const ADDRESS_RULES: Partial<Record<string, AddressRule>> = {
  US: {
    postalCode: { required: true, pattern: /^\d{5}(-\d{4})?$/, example: '94105' },
    region: { required: true, pattern: /^[A-Z]{2}$/, example: 'CA' },
  },
  DE: { postalCode: { required: true, pattern: /^\d{5}$/, example: '10435' }, region: null },
  GB: {
    postalCode: {
      required: true,
      pattern: /^(GIR ?0AA|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})$/,
      example: 'SW1A 1AA',
    },
    region: null,
  },
  SE: {
    postalCode: { required: true, pattern: /^\d{3} ?\d{2}$/, example: '118 46' },
    region: null,
  },
  ES: { postalCode: { required: true, pattern: /^\d{5}$/, example: '28013' }, region: null },
  FR: { postalCode: { required: true, pattern: /^\d{5}$/, example: '75001' }, region: null },
  NL: {
    postalCode: { required: true, pattern: /^\d{4} ?[A-Z]{2}$/, example: '1012 AB' },
    region: null,
  },
  // The Eircode is optional: many Irish addresses are delivered without one.
  IE: {
    postalCode: {
      required: false,
      pattern: /^([AC-FHKNPRTV-Y]\d{2}|D6W) ?[0-9AC-FHKNPRTV-Y]{4}$/,
      example: 'D02 X285',
    },
    region: null,
  },
}

const DEFAULT_RULE: AddressRule = { postalCode: null, region: null }

export function addressRuleFor(countryCode: string): AddressRule {
  return ADDRESS_RULES[countryCode] ?? DEFAULT_RULE
}

/** Postal codes and US state codes are compared in capitals, as they are printed. */
export function normalisePostalCode(value: string): string {
  return value.trim().toUpperCase().replace(/\s+/g, ' ')
}

export type AddressProblem =
  | { field: 'postalCode'; message: 'profile:errors.postalCodeRequired' }
  | { field: 'postalCode'; message: 'profile:errors.postalCodeInvalid'; example: string }
  | { field: 'region'; message: 'profile:errors.regionRequired' }
  | { field: 'region'; message: 'profile:errors.regionInvalid' }

/** The country's requirements for postal code and region, checked on normalised values. */
export function checkAddressForCountry(address: {
  countryCode: string
  postalCode: string | null
  region: string | null
}): AddressProblem[] {
  const rule = addressRuleFor(address.countryCode)
  const problems: AddressProblem[] = []
  if (rule.postalCode) {
    if (!address.postalCode) {
      if (rule.postalCode.required) {
        problems.push({ field: 'postalCode', message: 'profile:errors.postalCodeRequired' })
      }
    } else if (!rule.postalCode.pattern.test(address.postalCode)) {
      problems.push({
        field: 'postalCode',
        message: 'profile:errors.postalCodeInvalid',
        example: rule.postalCode.example,
      })
    }
  }
  if (rule.region) {
    if (!address.region) {
      if (rule.region.required) {
        problems.push({ field: 'region', message: 'profile:errors.regionRequired' })
      }
    } else if (rule.region.pattern && !rule.region.pattern.test(address.region)) {
      problems.push({ field: 'region', message: 'profile:errors.regionInvalid' })
    }
  }
  return problems
}

// ISO 3166-1 alpha-2 codes of countries and territories with postal addresses; their names come
// from Intl.DisplayNames in the reader's language, so no list of names is kept here.
export const COUNTRY_CODES: readonly string[] = [
  'AD AE AF AG AI AL AM AO AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR',
  'BS BT BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ',
  'EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GT GU GW',
  'GY HK HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY',
  'KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU',
  'MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT',
  'PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC',
  'TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS',
  'XK YE YT ZA ZM ZW',
].flatMap((line) => line.split(' '))

const countrySet = new Set(COUNTRY_CODES)

export function isCountryCode(value: string): boolean {
  return countrySet.has(value)
}

/** Countries with their names in `locale`, sorted by name for a select. */
export function countryOptions(locale: string): { code: string; name: string }[] {
  const names = new Intl.DisplayNames([locale], { type: 'region' })
  const collator = new Intl.Collator(locale)
  return COUNTRY_CODES.map((code) => ({ code, name: names.of(code) ?? code })).sort((a, b) =>
    collator.compare(a.name, b.name),
  )
}

/** An address as it is written on an envelope, line by line. */
export function addressLines(
  address: {
    recipient: string
    line1: string
    line2: string | null
    city: string
    region: string | null
    postalCode: string | null
  },
  countryName: string,
  countryCode: string,
): string[] {
  // North American addresses put the state and ZIP after the city; most others the postal
  // code before it.
  const place =
    countryCode === 'US' || countryCode === 'CA'
      ? [address.city, [address.region, address.postalCode].filter(Boolean).join(' ')]
          .filter(Boolean)
          .join(', ')
      : [address.postalCode, address.city].filter(Boolean).join(' ')
  const region = countryCode === 'US' || countryCode === 'CA' ? null : address.region
  return [address.recipient, address.line1, address.line2, place, region, countryName].filter(
    (line): line is string => Boolean(line),
  )
}

export function countryName(code: string, locale: string): string {
  return new Intl.DisplayNames([locale], { type: 'region' }).of(code) ?? code
}
