import enCommon from '#app/locales/en/common.json'
import enAuth from '#app/locales/en/auth.json'
import enDashboard from '#app/locales/en/dashboard.json'
import enOrders from '#app/locales/en/orders.json'
import enRequests from '#app/locales/en/requests.json'
import enTickets from '#app/locales/en/tickets.json'
import enProfile from '#app/locales/en/profile.json'
import enHistory from '#app/locales/en/history.json'
import enPreferences from '#app/locales/en/preferences.json'
import enMessages from '#app/locales/en/messages.json'
import enAccount from '#app/locales/en/account.json'
import enStaff from '#app/locales/en/staff.json'
import enMetrics from '#app/locales/en/metrics.json'
import enMerge from '#app/locales/en/merge.json'
import enAdmin from '#app/locales/en/admin.json'
import enWorkspace from '#app/locales/en/workspace.json'
import enSecurity from '#app/locales/en/security.json'
import enOrganisations from '#app/locales/en/organisations.json'
import enSharing from '#app/locales/en/sharing.json'
import deCommon from '#app/locales/de/common.json'
import deAuth from '#app/locales/de/auth.json'
import deDashboard from '#app/locales/de/dashboard.json'
import deOrders from '#app/locales/de/orders.json'
import deRequests from '#app/locales/de/requests.json'
import deTickets from '#app/locales/de/tickets.json'
import deProfile from '#app/locales/de/profile.json'
import deHistory from '#app/locales/de/history.json'
import dePreferences from '#app/locales/de/preferences.json'
import deMessages from '#app/locales/de/messages.json'
import deAccount from '#app/locales/de/account.json'
import deStaff from '#app/locales/de/staff.json'
import deMetrics from '#app/locales/de/metrics.json'
import deMerge from '#app/locales/de/merge.json'
import deAdmin from '#app/locales/de/admin.json'
import deWorkspace from '#app/locales/de/workspace.json'
import deSecurity from '#app/locales/de/security.json'
import deOrganisations from '#app/locales/de/organisations.json'
import deSharing from '#app/locales/de/sharing.json'
import esCommon from '#app/locales/es/common.json'
import esAuth from '#app/locales/es/auth.json'
import esDashboard from '#app/locales/es/dashboard.json'
import esOrders from '#app/locales/es/orders.json'
import esRequests from '#app/locales/es/requests.json'
import esTickets from '#app/locales/es/tickets.json'
import esProfile from '#app/locales/es/profile.json'
import esHistory from '#app/locales/es/history.json'
import esPreferences from '#app/locales/es/preferences.json'
import esMessages from '#app/locales/es/messages.json'
import esAccount from '#app/locales/es/account.json'
import esStaff from '#app/locales/es/staff.json'
import esMetrics from '#app/locales/es/metrics.json'
import esMerge from '#app/locales/es/merge.json'
import esAdmin from '#app/locales/es/admin.json'
import esWorkspace from '#app/locales/es/workspace.json'
import esSecurity from '#app/locales/es/security.json'
import esOrganisations from '#app/locales/es/organisations.json'
import esSharing from '#app/locales/es/sharing.json'
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
    security: enSecurity,
    organisations: enOrganisations,
    sharing: enSharing,
  },
  de: {
    common: deCommon,
    auth: deAuth,
    dashboard: deDashboard,
    orders: deOrders,
    requests: deRequests,
    tickets: deTickets,
    profile: deProfile,
    history: deHistory,
    preferences: dePreferences,
    messages: deMessages,
    account: deAccount,
    staff: deStaff,
    metrics: deMetrics,
    merge: deMerge,
    admin: deAdmin,
    workspace: deWorkspace,
    security: deSecurity,
    organisations: deOrganisations,
    sharing: deSharing,
  },
  es: {
    common: esCommon,
    auth: esAuth,
    dashboard: esDashboard,
    orders: esOrders,
    requests: esRequests,
    tickets: esTickets,
    profile: esProfile,
    history: esHistory,
    preferences: esPreferences,
    messages: esMessages,
    account: esAccount,
    staff: esStaff,
    metrics: esMetrics,
    merge: esMerge,
    admin: esAdmin,
    workspace: esWorkspace,
    security: esSecurity,
    organisations: esOrganisations,
    sharing: esSharing,
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
