/** What a seed added, for the one line it prints and for tests. */
export interface SeedSummary {
  customers: number
  accounts: number
  orders: number
  requests: number
  tickets: number
  organisations: number
  consentDecisions: number
  historyRows: number
}

export function describeSummary(summary: SeedSummary): string {
  return [
    `${summary.customers} customers`,
    `${summary.accounts} accounts`,
    `${summary.orders} orders`,
    `${summary.requests} requests`,
    `${summary.tickets} tickets`,
    `${summary.organisations} organisations`,
    `${summary.consentDecisions} consent decisions`,
    `${summary.historyRows} history rows`,
  ].join(', ')
}
