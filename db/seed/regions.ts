/** Where seeded customers live: what their phone numbers, money and parcels look like. */
export interface Region {
  countryCode: string
  currency: string
  /** Minor units of this currency per euro cent, to price one catalogue in every currency. */
  minorPerEuroCent: number
  taxPercent: number
  /** E.164 prefix of a mobile number (fictional ranges where the country reserves them). */
  phonePrefix: string
  /** Random digits after the prefix. */
  phoneDigits: number
  carrier: string
  tracking: 'upu' | 'ups' | 'dhl' | 'digits'
}

export const REGIONS = {
  SE: region('SE', 'SEK', 11.5, 25, '+4670', 7, 'PostNord', 'upu'),
  DE: region('DE', 'EUR', 1, 19, '+49151', 8, 'DHL', 'dhl'),
  AT: region('AT', 'EUR', 1, 20, '+43664', 7, 'Österreichische Post', 'upu'),
  CH: region('CH', 'CHF', 0.95, 8.1, '+4179', 7, 'Swiss Post', 'upu'),
  ES: region('ES', 'EUR', 1, 21, '+346', 8, 'Correos', 'upu'),
  IE: region('IE', 'EUR', 1, 23, '+35387', 7, 'An Post', 'upu'),
  GB: region('GB', 'GBP', 0.85, 20, '+447700900', 3, 'Royal Mail', 'upu'),
  US: region('US', 'USD', 1.08, 8, '+1202555', 4, 'UPS', 'ups'),
  MX: region('MX', 'MXN', 19, 16, '+5255', 8, 'Estafeta', 'digits'),
  CO: region('CO', 'COP', 45, 19, '+57310', 7, 'Servientrega', 'digits'),
  JP: region('JP', 'JPY', 1.6, 10, '+8190', 8, 'Japan Post', 'upu'),
  AU: region('AU', 'AUD', 1.65, 10, '+61491570', 3, 'Australia Post', 'upu'),
} as const satisfies Record<string, Region>

export type RegionCode = keyof typeof REGIONS

function region(
  countryCode: string,
  currency: string,
  minorPerEuroCent: number,
  taxPercent: number,
  phonePrefix: string,
  phoneDigits: number,
  carrier: string,
  tracking: Region['tracking'],
): Region {
  return {
    countryCode,
    currency,
    minorPerEuroCent,
    taxPercent,
    phonePrefix,
    phoneDigits,
    carrier,
    tracking,
  }
}

/** A catalogue price in the region's currency, rounded to a shop-like ...99 (or whole yen). */
export function localPrice(region: Region, euroCents: number): number {
  const raw = euroCents * region.minorPerEuroCent
  return Math.max(99, Math.round(raw / 100) * 100 - 1)
}

export interface CatalogueItem {
  sku: string
  description: string
  euroCents: number
}

export const CATALOGUE: CatalogueItem[] = [
  { sku: 'KET-1001', description: 'Electric kettle 1.7 l, brushed steel', euroCents: 3999 },
  { sku: 'HDP-2040', description: 'Wireless noise-cancelling headphones', euroCents: 14999 },
  { sku: 'BAG-3310', description: 'Waxed canvas backpack 22 l', euroCents: 8950 },
  { sku: 'MUG-0102', description: 'Stoneware mugs, set of 4', euroCents: 2400 },
  { sku: 'LMP-5500', description: 'Desk lamp with dimmer', euroCents: 4590 },
  { sku: 'BTL-0750', description: 'Insulated water bottle 750 ml', euroCents: 2199 },
  { sku: 'TWL-1200', description: 'Organic cotton bath towel', euroCents: 1850 },
  { sku: 'CHG-0065', description: 'USB-C charger 65 W', euroCents: 3490 },
  { sku: 'UMB-0900', description: 'Compact travel umbrella', euroCents: 1999 },
  { sku: 'COF-0500', description: 'Coffee beans, medium roast, 500 g', euroCents: 1290 },
  { sku: 'PAN-2800', description: 'Cast-iron frying pan 28 cm', euroCents: 5490 },
  { sku: 'BLK-1500', description: 'Wool blanket 130 × 170 cm', euroCents: 7900 },
  { sku: 'SPK-0300', description: 'Portable Bluetooth speaker', euroCents: 6990 },
  { sku: 'NTB-0200', description: 'Dotted notebook A5', euroCents: 1450 },
]

/** Orders from this amount (in euro cents, before conversion) ship free. */
export const FREE_SHIPPING_FROM_EURO_CENTS = 5000
export const SHIPPING_EURO_CENTS = 495
