import { useFormat } from '#app/lib/use-format.ts'
import { type OrderAddress } from '#db/orders.ts'

function countryName(countryCode: string, locale: string): string {
  try {
    return new Intl.DisplayNames([locale], { type: 'region' }).of(countryCode) ?? countryCode
  } catch {
    // A code ICU does not know is still better shown than dropped.
    return countryCode
  }
}

/** An address as the order recorded it, one line per part, the country in the reader's language. */
export function OrderAddressBlock({ address }: { address: OrderAddress }) {
  const { locale } = useFormat()
  const cityLine = [address.postalCode, address.city].filter(Boolean).join(' ')
  const lines = [
    address.recipient,
    address.line1,
    address.line2,
    cityLine,
    address.region,
    countryName(address.countryCode, locale),
  ].filter((line): line is string => Boolean(line))
  return (
    <address className="not-italic">
      {lines.map((line, index) => (
        <span key={index} className="block">
          {line}
        </span>
      ))}
    </address>
  )
}
