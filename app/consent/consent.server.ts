import { fallbackLng, isSupportedLanguage, type SupportedLanguage } from '#app/i18n/config.ts'
import { getFixedTFor } from '#app/i18n/i18next.server.ts'
import { getEnv } from '#app/lib/env.server.ts'
import { sendMail } from '#app/mail/mailer.server.ts'
import { consentConfirmationMail } from '#app/mail/templates/consent-confirmation.ts'
import {
  applyConsentChoices,
  CONSENT_CONFIRMATION_TTL_MINUTES,
  type ConsentChoice,
  type ConsentConfirmationRequest,
  getConfirmationRecipient,
  getWording,
  isMarketingTopic,
  type RecordedConsent,
} from '#db/consent.ts'
import { type Database } from '#db/database.ts'
import { type CommunicationPreferences, updatePreferences } from '#db/preferences.ts'
import { unsubscribeLinks } from './unsubscribe-token.server.ts'
import { getUnsubscribeGeneration } from '#db/unsubscribe-links.ts'

export type ConfirmationMailOutcome = 'none' | 'sent' | 'failed'

export interface SaveChoicesOptions {
  customerId: string
  /** The signed-in customer's account: the actor, and the owner of confirmation links. */
  accountId: string
  /** The language of the page the choices were made on. */
  language: string
  choices: readonly ConsentChoice[]
}

export interface SaveChoicesResult {
  recorded: RecordedConsent[]
  confirmationMail: ConfirmationMailOutcome
}

/**
 * The preference centre's save: consent changes and, when given, the preferences row, in one
 * transaction (a refused preferences save records no consent change either). Confirmation
 * mails for new email yeses go out after the commit, so no link is ever mailed for a change
 * that was rolled back.
 *
 * @throws VersionConflictError, InvalidStateError from the data layer; nothing is written.
 */
export async function saveConsentAndPreferences(
  db: Database,
  options: SaveChoicesOptions & {
    preferences?: { expectedVersion: number; values: CommunicationPreferences }
  },
): Promise<SaveChoicesResult> {
  const { customerId, accountId, language, choices, preferences } = options
  const actor = { kind: 'customer', id: accountId } as const
  const { recorded, confirmations } = await db.transaction().execute(async (trx) => {
    // Consent first: it locks the customer row, the one lock every consent change takes first.
    const consent = await applyConsentChoices(trx, {
      customerId,
      accountId,
      actor,
      source: 'portal',
      language,
      choices,
    })
    if (preferences) {
      await updatePreferences(trx, {
        customerId,
        expectedVersion: preferences.expectedVersion,
        changes: preferences.values,
        actor,
        channel: 'portal',
      })
    }
    return consent
  })
  return { recorded, confirmationMail: await mailConfirmations(db, customerId, confirmations) }
}

/** Mails each confirmation link; a failure is logged and reported, never thrown. */
async function mailConfirmations(
  db: Database,
  customerId: string,
  confirmations: readonly ConsentConfirmationRequest[],
): Promise<ConfirmationMailOutcome> {
  if (confirmations.length === 0) return 'none'
  try {
    const recipient = await getConfirmationRecipient(db, customerId)
    if (!recipient) throw new Error('the customer has no primary email address')
    const language = mailLanguage(recipient.language)
    const t = await getFixedTFor(language, 'preferences')
    for (const confirmation of confirmations) {
      if (!isMarketingTopic(confirmation.topic)) continue
      const wording = confirmation.wordingId ? await getWording(db, confirmation.wordingId) : null
      const { appUrl } = getEnv()
      const links = unsubscribeLinks(
        { customerId, channel: confirmation.channel, topic: confirmation.topic },
        (await getUnsubscribeGeneration(db, customerId)) ?? undefined,
      )
      await sendMail(
        consentConfirmationMail({
          t,
          language,
          to: recipient.email,
          topic: t(`topics.${confirmation.topic}.inSentence`),
          wording: wording?.body ?? null,
          confirmLink: `${appUrl}/consent/confirm?${new URLSearchParams({ token: confirmation.token })}`,
          unsubscribeLink: links.pageUrl,
          ttlDays: CONSENT_CONFIRMATION_TTL_MINUTES / (24 * 60),
        }),
      )
    }
    return 'sent'
  } catch (error) {
    console.error(
      JSON.stringify({
        level: 'error',
        msg: 'sending the consent confirmation failed',
        error: error instanceof Error ? error.message : String(error),
      }),
    )
    return 'failed'
  }
}

/** The language the mail is written in: the customer's if we have texts for it, else ours. */
function mailLanguage(language: string): SupportedLanguage {
  if (isSupportedLanguage(language)) return language
  const base = language.split('-')[0] ?? ''
  return isSupportedLanguage(base) ? base : fallbackLng
}
