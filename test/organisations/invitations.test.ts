import { sql } from 'kysely'
import { beforeEach, describe, expect, it } from 'vitest'
import { getOptionalUser } from '#app/auth/session.server.ts'
import { action as organisationAction } from '#app/routes/organisations.$organisationId.tsx'
import { action as joinAction, loader as joinLoader } from '#app/routes/organisations.join.tsx'
import { hashToken } from '#db/account-tokens.ts'
import { completeAccountClosure } from '#db/account-closure.ts'
import { exportCustomerData } from '#db/data-export.ts'
import { createRequest } from '#db/requests.ts'
import { useTestDatabase } from '#test/support/database.ts'
import { databaseFingerprint } from '#test/support/db-fingerprint.ts'
import {
  createStaffAccount,
  formRequest,
  getRequest,
  routeArgs,
  uniqueEmail,
} from '#test/support/fixtures.ts'
import { linkIn, recipientOf, tokenOf, useSmtpSink } from '../lifecycle/lifecycle-support.ts'
import {
  answerOf,
  consentSnapshot,
  cookieFor,
  historyOf,
  organisation,
  type Person,
  person,
  sessionsOf,
} from './organisation-helpers.ts'

const database = useTestDatabase()
const smtp = useSmtpSink()
const NEW_PASSWORD = 'a long enough new password 2026'

let a = ''
let maja: Person
let erik: Person

beforeEach(async () => {
  maja = await person(database.db, 'Maja')
  erik = await person(database.db, 'Erik')
  a = await organisation(database.db, 'Lind & Co Interiors AB', maja, [[erik, 'member']])
})

/** The owner invites through the page; the token comes from the mail that arrived. */
async function invite(email: string, role = 'member', language = 'en') {
  const cookie = await cookieFor(maja, a)
  const { result, arrived } = await smtp.collect(() =>
    answerOf(() =>
      organisationAction(
        routeArgs(
          formRequest(
            `/organisations/${a}`,
            { intent: 'invite', email, role, language },
            { cookie },
          ),
          { organisationId: a },
        ),
      ),
    ),
  )
  expect(result.status).toBe(302)
  expect(arrived).toHaveLength(1)
  const mail = arrived[0]!
  expect(recipientOf(mail)).toBe(email)
  return { mail, token: tokenOf(linkIn(mail, '/organisations/join')) }
}

function joinPage(token: string, cookie: string | null = null) {
  const path = `/organisations/join?${new URLSearchParams({ token })}`
  return answerOf(() => joinLoader(routeArgs(getRequest(path, { cookie }))))
}

function joinPost(fields: Record<string, string>, cookie: string | null = null) {
  return answerOf(() =>
    joinAction(routeArgs(formRequest('/organisations/join', fields, { cookie }))),
  )
}

function createFields(token: string): Record<string, string> {
  return {
    intent: 'create',
    token,
    givenName: 'Tom',
    familyName: 'Newcomer',
    password: NEW_PASSWORD,
    confirmPassword: NEW_PASSWORD,
  }
}

async function memberRole(customerId: string): Promise<string | null> {
  const row = await database.db
    .selectFrom('organisation_members')
    .select('role')
    .where('organisation_id', '=', a)
    .where('customer_id', '=', customerId)
    .where('removed_at', 'is', null)
    .executeTakeFirst()
  return row?.role ?? null
}

describe('inviting', () => {
  it('stores only the token’s SHA-256, for 7 days, and mails the link in the chosen language', async () => {
    const email = uniqueEmail('tom')
    const { mail, token } = await invite(email, 'billing', 'de')
    expect(mail.subject).toBe('Treten Sie Lind & Co Interiors AB im Kundenportal bei')
    expect(mail.text).toContain('Maja Berg lädt Sie ein')
    expect(mail.text).toContain('als Buchhaltung')
    const row = await database.db
      .selectFrom('organisation_invitations')
      .select([
        'token_hash',
        'role',
        'language',
        'invited_by',
        sql<number>`round(extract(epoch from expires_at - created_at) / 86400)::int`.as('days'),
      ])
      .where('email', '=', email)
      .executeTakeFirstOrThrow()
    expect(row).toEqual({
      token_hash: hashToken(token),
      role: 'billing',
      language: 'de',
      invited_by: maja.accountId,
      days: 7,
    })
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from organisation_invitations where token_hash = ${token}`.execute(
      database.db,
    )
    expect(rows[0]?.n).toBe(0)
    expect((await historyOf(database.db, a)).at(-1)).toEqual({
      action: 'member_invited',
      subject_customer_id: null,
      actor_kind: 'customer',
      actor_id: maja.accountId,
      channel: 'portal',
      before: null,
      after: { email, role: 'billing' },
    })
  })

  it('refuses to invite a current member (a field error) and bad input, writing nothing', async () => {
    const cookie = await cookieFor(maja, a)
    const before = await databaseFingerprint(database.db)
    const send = (fields: Record<string, string>) =>
      answerOf(() =>
        organisationAction(
          routeArgs(formRequest(`/organisations/${a}`, fields, { cookie }), { organisationId: a }),
        ),
      )
    const member = await send({
      intent: 'invite',
      email: erik.email.toUpperCase(),
      role: 'member',
      language: 'en',
    })
    expect(member.status).toBe(409)
    expect(member.data).toMatchObject({
      result: { error: { email: ['organisations:errors.alreadyMember'] } },
    })
    const invalid = await send({ intent: 'invite', email: 'nope', role: 'boss', language: 'xx' })
    expect(invalid.status).toBe(400)
    expect(invalid.data).toMatchObject({
      result: {
        error: {
          email: ['auth:errors.emailInvalid'],
          role: ['organisations:errors.roleInvalid'],
          language: ['organisations:errors.languageInvalid'],
        },
      },
    })
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })
})

describe('claiming', () => {
  it('a new person creates their account and joins, signed in acting for the organisation', async () => {
    const email = uniqueEmail('tom')
    const { token } = await invite(email, 'member')
    const consent = await consentSnapshot(database.db)
    const page = await joinPage(token)
    expect(page.status).toBe(200)
    expect(page.data).toMatchObject({
      state: { kind: 'create', organisation: 'Lind & Co Interiors AB', email, role: 'member' },
    })

    // The project's password policy: a common password is refused with a field error.
    const weak = await joinPost({
      ...createFields(token),
      password: 'password1234',
      confirmPassword: 'password1234',
    })
    expect(weak.status).toBe(400)
    expect(weak.data).toMatchObject({
      result: { error: { password: ['auth:errors.passwordTooCommon'] } },
    })

    const joined = await joinPost(createFields(token))
    expect(joined.status).toBe(302)
    expect(joined.location).toBe(`/organisations/${a}?notice=joined`)
    const account = await database.db
      .selectFrom('accounts')
      .innerJoin('customers', 'customers.id', 'accounts.customer_id')
      .select([
        'accounts.id',
        'accounts.customer_id',
        'accounts.email_verified_at',
        'customers.given_name',
        'customers.language',
      ])
      .where('accounts.email', '=', email)
      .executeTakeFirstOrThrow()
    expect(account).toMatchObject({ given_name: 'Tom', language: 'en' })
    expect(account.email_verified_at).not.toBeNull()
    expect(await memberRole(account.customer_id!)).toBe('member')

    const cookie = (joined.headers?.get('Set-Cookie') ?? '').split(';')[0]!
    const { user } = await getOptionalUser(getRequest('/', { cookie }))
    expect(user?.id).toBe(account.id)
    expect(user?.actingFor).toMatchObject({ id: a, role: 'member' })

    expect((await historyOf(database.db, a)).at(-1)).toEqual({
      action: 'member_joined',
      subject_customer_id: account.customer_id,
      actor_kind: 'customer',
      actor_id: account.id,
      channel: 'email_link',
      before: null,
      after: { role: 'member' },
    })
    // Consent is personal: joining writes none.
    expect(await consentSnapshot(database.db)).toBe(consent)

    // Used once: the same link again is refused, and nothing more is written.
    const before = await databaseFingerprint(database.db)
    expect((await joinPage(token)).status).toBe(400)
    const again = await joinPost({ ...createFields(token), givenName: 'Mallory' })
    expect(again.status).toBe(409)
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })

  it('an existing customer signs in and comes back; signed in as them, they confirm and join', async () => {
    const olaf = await person(database.db, 'Olaf')
    const { token } = await invite(olaf.email, 'billing')
    const signedOut = await joinPage(token)
    expect(signedOut.data).toMatchObject({ state: { kind: 'signIn', email: olaf.email } })

    // Signed out, the join button goes to the sign-in, which comes back here.
    const post = await joinPost({ intent: 'join', token })
    expect(post.status).toBe(302)
    expect(post.location).toMatch(/^\/login\?redirectTo=/)
    // And creating a second account for the address is refused.
    const before = await databaseFingerprint(database.db)
    const create = await joinPost(createFields(token))
    expect(create.status).toBe(409)
    expect(create.data).toEqual({ kind: 'refused', reason: 'organisations:errors.accountExists' })
    expect(await databaseFingerprint(database.db)).toEqual(before)

    const cookie = await cookieFor(olaf)
    expect((await joinPage(token, cookie)).data).toMatchObject({ state: { kind: 'confirm' } })
    const joined = await joinPost({ intent: 'join', token }, cookie)
    expect(joined.status).toBe(302)
    expect(joined.location).toBe(`/organisations/${a}?notice=joined`)
    expect(await memberRole(olaf.customerId)).toBe('billing')
    // A new session id, acting for the organisation; the old one is gone.
    const next = (joined.headers?.get('Set-Cookie') ?? '').split(';')[0]!
    expect(next).not.toBe(cookie)
    expect((await getOptionalUser(getRequest('/', { cookie: next }))).user?.actingFor?.id).toBe(a)
    expect((await getOptionalUser(getRequest('/', { cookie }))).user).toBeNull()
    expect((await historyOf(database.db, a)).at(-1)).toMatchObject({
      action: 'member_joined',
      subject_customer_id: olaf.customerId,
      actor_id: olaf.accountId,
      channel: 'email_link',
    })
  })

  it('someone else signed in is told to sign out, and cannot join with the link', async () => {
    const email = uniqueEmail('tom')
    const { token } = await invite(email)
    const cookie = await cookieFor(erik, a)
    expect((await joinPage(token, cookie)).data).toMatchObject({
      state: { kind: 'wrongAccount', email },
    })
    const before = await databaseFingerprint(database.db)
    const join = await joinPost({ intent: 'join', token }, cookie)
    expect(join.status).toBe(409)
    expect(await databaseFingerprint(database.db)).toEqual(before)
    // The link still works for the invited person.
    expect((await joinPost(createFields(token))).status).toBe(302)
  })

  it('a revoked link and an expired link are refused', async () => {
    const revokedEmail = uniqueEmail('rev')
    const { token: revoked } = await invite(revokedEmail)
    const invitation = await database.db
      .selectFrom('organisation_invitations')
      .select('id')
      .where('email', '=', revokedEmail)
      .executeTakeFirstOrThrow()
    const revoke = await answerOf(async () =>
      organisationAction(
        routeArgs(
          formRequest(
            `/organisations/${a}`,
            { intent: 'revoke', invitationId: invitation.id },
            { cookie: await cookieFor(maja, a) },
          ),
          { organisationId: a },
        ),
      ),
    )
    expect(revoke.status).toBe(302)
    expect((await historyOf(database.db, a)).at(-1)).toMatchObject({
      action: 'invitation_revoked',
      before: { email: revokedEmail, role: 'member' },
    })

    const expiredEmail = uniqueEmail('exp')
    const { token: expired } = await invite(expiredEmail)
    await database.db
      .updateTable('organisation_invitations')
      .set({ expires_at: sql<Date>`now() - interval '1 second'` })
      .where('email', '=', expiredEmail)
      .execute()

    for (const token of [revoked, expired]) {
      expect((await joinPage(token)).status).toBe(400)
      const before = await databaseFingerprint(database.db)
      const create = await joinPost(createFields(token))
      expect(create.status).toBe(409)
      expect(create.data).toEqual({ kind: 'refused', reason: 'organisations:errors.linkNotUsable' })
      expect(await databaseFingerprint(database.db)).toEqual(before)
    }
    // Revoking it again: no open invitation by that id any more.
    const twice = await answerOf(async () =>
      organisationAction(
        routeArgs(
          formRequest(
            `/organisations/${a}`,
            { intent: 'revoke', invitationId: invitation.id },
            { cookie: await cookieFor(maja, a) },
          ),
          { organisationId: a },
        ),
      ),
    )
    expect(twice.status).toBe(404)
  })

  it('a second invitation to the same address replaces the first link', async () => {
    const email = uniqueEmail('tom')
    const { token: first } = await invite(email)
    const { token: second } = await invite(email)
    expect((await joinPage(first)).status).toBe(400)
    expect((await joinPage(second)).status).toBe(200)
  })
})

describe('closing an account', () => {
  async function closureRequest(who: Person) {
    const request = await createRequest(database.db, {
      customerId: who.customerId,
      actor: { kind: 'customer', id: who.accountId },
      channel: 'portal',
      kind: 'account_closure',
      subject: 'Close my account',
      details: {},
    })
    const staff = await createStaffAccount(database.db, { role: 'supervisor' })
    return { requestId: request.id, staffAccountId: staff.accountId }
  }

  it('is refused while the person is an organisation’s last owner', async () => {
    const input = await closureRequest(maja)
    const before = await databaseFingerprint(database.db)
    await expect(completeAccountClosure(database.db, input)).rejects.toMatchObject({
      reason: 'organisations:errors.closureLastOwner',
    })
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })

  it('ends the person’s memberships (member_left, by the system); the export lists them first', async () => {
    const exported = await exportCustomerData(database.db, erik.customerId)
    expect(exported?.organisationMemberships).toEqual([
      {
        organisationName: 'Lind & Co Interiors AB',
        organisationNumber: expect.stringMatching(/^B\d+$/),
        role: 'member',
        joinedAt: expect.any(Date),
        removedAt: null,
      },
    ])
    expect(exported?.organisationHistory.map((row) => row.action)).toEqual(['member_joined'])

    await cookieFor(erik, a)
    const consentBefore = await consentSnapshot(database.db)
    await completeAccountClosure(database.db, await closureRequest(erik))
    expect(await memberRole(erik.customerId)).toBeNull()
    expect(await sessionsOf(database.db, erik.accountId)).toEqual([])
    expect((await historyOf(database.db, a)).at(-1)).toEqual({
      action: 'member_left',
      subject_customer_id: erik.customerId,
      actor_kind: 'system',
      actor_id: null,
      channel: 'system',
      before: { role: 'member' },
      after: null,
    })
    // The closure withdraws marketing consent through the ledger as before; the organisation
    // adds nothing of its own (Erik never gave any, so nothing changes).
    expect(await consentSnapshot(database.db)).toBe(consentBefore)
  })
})
