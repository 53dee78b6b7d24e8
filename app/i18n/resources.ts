import enAuth from '#app/locales/en/auth.json'
import enCommon from '#app/locales/en/common.json'
import enDashboard from '#app/locales/en/dashboard.json'
import enAccount from '#app/locales/en/account.json'
import enHistory from '#app/locales/en/history.json'
import enMessages from '#app/locales/en/messages.json'
import enOrders from '#app/locales/en/orders.json'
import enPreferences from '#app/locales/en/preferences.json'
import enProfile from '#app/locales/en/profile.json'
import enRequests from '#app/locales/en/requests.json'
import enStaff from '#app/locales/en/staff.json'
import enTickets from '#app/locales/en/tickets.json'
import enMetrics from '#app/locales/en/metrics.json'
import enMerge from '#app/locales/en/merge.json'
import enAdmin from '#app/locales/en/admin.json'
import enWorkspace from '#app/locales/en/workspace.json'
import { type defaultNS, type SupportedLanguage } from './config.ts'

// Static imports: translations are parsed once when the module loads, never read per request,
// and the browser gets the same objects in its bundle (no HTTP backend, no loading flash).
export const resources = {
  en: {
    common: enCommon,
    auth: enAuth,
    dashboard: enDashboard,
    orders: enOrders,
    requests: enRequests,
    tickets: enTickets,
    profile: enProfile,
    history: enHistory,
    preferences: enPreferences,
    messages: enMessages,
    account: enAccount,
    staff: enStaff,
    metrics: enMetrics,
    merge: enMerge,
    admin: enAdmin,
    workspace: enWorkspace,
  },
} satisfies Record<SupportedLanguage, Record<string, object>>

export type Namespace = keyof (typeof resources)['en']

// Every namespace is loaded up front, so routes do not need a `handle.i18n` list.
export const namespaces = Object.keys(resources.en) as Namespace[]

// Typed keys: `t('nav.signn')` is a type error rather than a raw key shown to users.
declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: typeof defaultNS
    resources: (typeof resources)['en']
  }
}
