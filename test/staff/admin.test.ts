import { sql } from 'kysely'
import { beforeAll, describe, expect, test } from 'vitest'
import { createClaimInvitation } from '#app/auth/invitation.server.ts'
import { action as customerClaimAction } from '#app/routes/claim.tsx'
import { loader as preferencesLoader } from '#app/routes/preferences.tsx'
import { action as adminAction, loader as adminLoader } from '#app/routes/staff.admin._index.tsx'
import {
  action as memberAction,
  loader as memberLoader,
} from '#app/routes/staff.admin.staff.$accountId.tsx'
import {
  action as wordingsAction,
  loader as wordingsLoader,
} from '#app/routes/staff.admin.wordings.tsx'
import { action as claimAction, loader as claimLoader } from '#app/routes/staff_.claim.tsx'
import { action as staffLoginAction } from '#app/routes/staff_.login.tsx'
import { localeCookie } from '#app/i18n/i18next.server.ts'
import { currentWordings } from '#db/consent.ts'
import { addConsentWording, latestWordingVersion } from '#db/consent-wordings.ts'
import { createCustomer } from '#db/customers.ts'
import { VersionConflictError } from '#db/errors.ts'
import { getStaffMember, inviteStaff } from '#db/staff-admin.ts'
import { useTestDatabase } from '#test/support/database.ts'
import { databaseFingerprint } from '#test/support/db-fingerprint.ts'
import {
  createStaffAccount,
  formRequest,
  getRequest,
  PASSWORD,
  routeArgs,
  sessionCookieFor,
  signedInCustomer,
  uniqueEmail,
} from '#test/support/fixtures.ts'
import { answerOf } from '#test/tickets/ticket-fixtures.ts'
import {
  accountSignedInBy,
  linkIn,
  recipientOf,
  tokenOf,
  useSmtpSink,
} from '../lifecycle/lifecycle-support.ts'

const database = useTestDatabase()
const smtp = useSmtpSink()
const NEW_PASSWORD = 'a brand new staff passphrase'

let admin = { accountId: '', cookie: '' }
let supervisorCookie = ''
let agentCookie = ''

beforeAll(async () => {
  const account = await createStaffAccount(database.db, { role: 'admin', displayName: 'Ada Admin' })
  admin = { accountId: account.accountId, cookie: await sessionCookieFor(account.accountId) }
  const supervisor = await createStaffAccount(database.db, { role: 'supervisor' })
  supervisorCookie = await sessionCookieFor(supervisor.accountId)
  const agent = await createStaffAccount(database.db, { role: 'agent' })
  agentCookie = await sessionCookieFor(agent.accountId)
})

function invitePost(fields: Record<string, string>, cookie = admin.cookie) {
  return answerOf(() => adminAction(routeArgs(formRequest('/staff/admin', fields, { cookie }))))
}

function memberPost(accountId: string, fields: Record<string, string>, cookie = admin.cookie) {
  return answerOf(() =>
    memberAction(
      routeArgs(formRequest(`/staff/admin/staff/${accountId}`, fields, { cookie }), { accountId }),
    ),
  )
}

async function versionOf(accountId: string): Promise<string> {
  const member = await getStaffMember(database.db, accountId)
  if (!member) throw new Error(`no staff member ${accountId}`)
  return String(member.version)
}

async function changesOf(accountId: string) {
  return database.db
    .selectFrom('staff_changes')
    .select(['action', 'actor_id', 'before', 'after'])
    .where('staff_account_id', '=', accountId)
    .orderBy('id')
    .execute()
}

async function sessionCount(accountId: string): Promise<number> {
  const row = await database.db
    .selectFrom('sessions')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('account_id', '=', accountId)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

function signIn(email: string, password: string) {
  return answerOf(() =>
    staffLoginAction(routeArgs(formRequest('/staff/login', { email, password }))),
  )
}

/** Invites through the page and returns the new account and the mailed link's token. */
async function inviteThroughPage(role = 'agent', displayName = 'Nina New') {
  const email = uniqueEmail('nina')
  const { result, arrived } = await smtp.collect(() => invitePost({ email, displayName, role }))
  expect(result).toMatchObject({ status: 302, location: '/staff/admin?saved=invited' })
  expect(arrived).toHaveLength(1)
  const account = await database.db
    .selectFrom('accounts')
    .select(['id', 'kind', 'password_hash'])
    .where('email', '=', email)
    .executeTakeFirstOrThrow()
  return { email, account, mail: arrived[0]!, token: tokenOf(linkIn(arrived[0]!, '/staff/claim')) }
}

describe('inviting and claiming', () => {
  test('invite → claim → sign in as the new staff member', async () => {
    const { email, account, mail, token } = await inviteThroughPage('supervisor')
    expect(recipientOf(mail)).toBe(email)
    expect(mail.subject).toBe('Your staff account for the customer portal')
    expect(mail.text).toContain('Ada Admin invited you')
    expect(mail.text).toContain('as Supervisor')
    expect(account).toMatchObject({ kind: 'staff', password_hash: null })
    const member = await getStaffMember(database.db, account.id)
    expect(member).toMatchObject({ role: 'supervisor', displayName: 'Nina New', state: 'invited' })

    // Only the token's hash is stored, valid for 7 days, for this account.
    const stored = await database.db
      .selectFrom('account_tokens')
      .select(['token_hash', 'purpose', 'customer_id', 'used_at'])
      .select(
        sql<number>`round(extract(epoch from expires_at - created_at) / 86400)::int`.as('days'),
      )
      .where('account_id', '=', account.id)
      .executeTakeFirstOrThrow()
    expect(stored).toMatchObject({
      purpose: 'invitation',
      customer_id: null,
      used_at: null,
      days: 7,
    })
    expect(stored.token_hash).not.toBe(token)
    expect(await changesOf(account.id)).toEqual([
      {
        action: 'invited',
        actor_id: admin.accountId,
        before: null,
        after: { email, displayName: 'Nina New', role: 'supervisor' },
      },
    ])

    // Before claiming there is no password to sign in with.
    expect((await signIn(email, NEW_PASSWORD)).status).toBe(400)

    const page = await answerOf(() =>
      claimLoader(routeArgs(getRequest(`/staff/claim?${new URLSearchParams({ token })}`))),
    )
    expect(page.status).toBe(200)
    expect(page.data).toMatchObject({
      preview: { status: 'usable', email, displayName: 'Nina New' },
    })

    const claimed = await claimAction(
      routeArgs(
        formRequest('/staff/claim', {
          token,
          password: NEW_PASSWORD,
          confirmPassword: NEW_PASSWORD,
        }),
      ),
    )
    const answer = await answerOf(async () => claimed)
    // No session yet: the new member sets up the second step (2FA) first, tested in
    // test/auth/two-factor.test.ts.
    expect(answer).toMatchObject({ status: 302, location: '/staff/login/two-factor' })
    expect(await sessionCount(account.id)).toBe(0)
    expect((await getStaffMember(database.db, account.id))?.state).toBe('active')
    expect((await changesOf(account.id)).map((change) => [change.action, change.actor_id])).toEqual(
      [
        ['invited', admin.accountId],
        ['claimed', account.id],
      ],
    )

    // The password is taken; a new staff member then sets up the second step (2FA), tested in
    // test/auth/two-factor.test.ts.
    const signedIn = await signIn(email, NEW_PASSWORD)
    expect(signedIn).toMatchObject({ status: 302, location: '/staff/login/two-factor' })

    // The link worked once.
    const again = await answerOf(() =>
      claimAction(
        routeArgs(
          formRequest('/staff/claim', {
            token,
            password: NEW_PASSWORD,
            confirmPassword: NEW_PASSWORD,
          }),
        ),
      ),
    )
    expect(again.status).toBe(400)
    expect(again.data).toMatchObject({ refused: true })
  })

  test('an unusable link or a mismatched password sets nothing', async () => {
    const { account, token } = await inviteThroughPage()
    const bogus = await answerOf(() =>
      claimLoader(routeArgs(getRequest('/staff/claim?token=not-a-real-token'))),
    )
    expect(bogus.status).toBe(400)
    const mismatch = await answerOf(() =>
      claimAction(
        routeArgs(
          formRequest('/staff/claim', {
            token,
            password: NEW_PASSWORD,
            confirmPassword: 'something else entirely',
          }),
        ),
      ),
    )
    expect(mismatch.status).toBe(400)
    const short = await answerOf(() =>
      claimAction(
        routeArgs(
          formRequest('/staff/claim', { token, password: 'short', confirmPassword: 'short' }),
        ),
      ),
    )
    expect(short.status).toBe(400)
    const row = await database.db
      .selectFrom('accounts')
      .select('password_hash')
      .where('id', '=', account.id)
      .executeTakeFirstOrThrow()
    expect(row.password_hash).toBeNull()
  })

  test("a customer's invitation is not a staff invitation, and is not used up by trying", async () => {
    const staff = await createStaffAccount(database.db)
    const email = uniqueEmail('ingrid')
    const customer = await createCustomer(
      database.db,
      { givenName: 'Ingrid', familyName: 'Holm', email },
      { kind: 'staff', id: staff.accountId },
      'staff',
    )
    const { arrived } = await smtp.collect(() =>
      createClaimInvitation(database.db, {
        customerId: customer.id,
        actor: { kind: 'staff', id: staff.accountId },
      }),
    )
    const token = tokenOf(linkIn(arrived[0]!, '/claim'))
    const page = await answerOf(() =>
      claimLoader(routeArgs(getRequest(`/staff/claim?${new URLSearchParams({ token })}`))),
    )
    expect(page.status).toBe(400)
    const before = await databaseFingerprint(database.db)
    const tried = await answerOf(() =>
      claimAction(
        routeArgs(
          formRequest('/staff/claim', {
            token,
            password: NEW_PASSWORD,
            confirmPassword: NEW_PASSWORD,
          }),
        ),
      ),
    )
    expect(tried.status).toBe(400)
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })

  test('a staff invitation posted to the customer claim page is refused and stays usable', async () => {
    const { token } = await inviteThroughPage()
    const before = await databaseFingerprint(database.db)
    const tried = await answerOf(() =>
      customerClaimAction(
        routeArgs(
          formRequest('/claim', { token, password: NEW_PASSWORD, confirmPassword: NEW_PASSWORD }),
        ),
      ),
    )
    expect(tried.status).toBe(400)
    expect(await databaseFingerprint(database.db)).toEqual(before)
    const page = await answerOf(() =>
      claimLoader(routeArgs(getRequest(`/staff/claim?${new URLSearchParams({ token })}`))),
    )
    expect(page.data).toMatchObject({ preview: { status: 'usable' } })
  })

  test('an address that already signs in (any letter case) is a field error', async () => {
    const customer = await signedInCustomer(database.db)
    const before = await databaseFingerprint(database.db)
    const { result, arrived } = await smtp.collect(() =>
      invitePost({ email: customer.email.toUpperCase(), displayName: 'Dup', role: 'agent' }),
    )
    expect(result.status).toBe(400)
    expect(result.data).toMatchObject({ error: { email: ['admin:errors.emailTaken'] } })
    expect(arrived).toHaveLength(0)
    expect(await databaseFingerprint(database.db)).toEqual(before)

    const invalid = await invitePost({ email: 'nope', displayName: '', role: 'boss' })
    expect(invalid.status).toBe(400)
    expect(invalid.data).toMatchObject({
      error: {
        email: ['admin:errors.emailInvalid'],
        displayName: ['admin:errors.nameRequired'],
        role: ['admin:errors.roleInvalid'],
      },
    })
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })

  test('a resent invitation replaces the first link', async () => {
    const { account, token: first } = await inviteThroughPage()
    const { result, arrived } = await smtp.collect(() =>
      memberPost(account.id, { intent: 'resend' }),
    )
    expect(result).toMatchObject({
      status: 302,
      location: `/staff/admin/staff/${account.id}?saved=resent`,
    })
    const second = tokenOf(linkIn(arrived[0]!, '/staff/claim'))
    const old = await answerOf(() =>
      claimLoader(routeArgs(getRequest(`/staff/claim?${new URLSearchParams({ token: first })}`))),
    )
    expect(old.status).toBe(400)
    const fresh = await answerOf(() =>
      claimLoader(routeArgs(getRequest(`/staff/claim?${new URLSearchParams({ token: second })}`))),
    )
    expect(fresh.status).toBe(200)
  })
})

describe('role changes and deactivation', () => {
  test('deactivating ends every session at once; reactivating lets them sign in again', async () => {
    const member = await createStaffAccount(database.db, { role: 'agent' })
    const cookie = await sessionCookieFor(member.accountId)
    await sessionCookieFor(member.accountId)
    expect(await accountSignedInBy(cookie)).toBe(member.accountId)
    expect(await sessionCount(member.accountId)).toBe(2)

    const answer = await memberPost(member.accountId, {
      intent: 'deactivate',
      version: await versionOf(member.accountId),
    })
    expect(answer).toMatchObject({
      status: 302,
      location: `/staff/admin/staff/${member.accountId}?saved=deactivated`,
    })
    expect(await sessionCount(member.accountId)).toBe(0)
    expect(await accountSignedInBy(cookie)).toBeNull()
    expect((await signIn(member.email, PASSWORD)).status).toBe(400)
    expect((await getStaffMember(database.db, member.accountId))?.state).toBe('deactivated')

    const back = await memberPost(member.accountId, {
      intent: 'reactivate',
      version: await versionOf(member.accountId),
    })
    expect(back.status).toBe(302)
    expect((await signIn(member.email, PASSWORD)).status).toBe(302)
    expect((await changesOf(member.accountId)).map((change) => change.action)).toEqual([
      'deactivated',
      'reactivated',
    ])
  })

  test('a role change is recorded with before and after, and shown on the page', async () => {
    const member = await createStaffAccount(database.db, { role: 'agent' })
    const answer = await memberPost(member.accountId, {
      intent: 'role',
      role: 'supervisor',
      version: '0',
    })
    expect(answer.status).toBe(302)
    expect(await changesOf(member.accountId)).toEqual([
      {
        action: 'role_changed',
        actor_id: admin.accountId,
        before: { role: 'agent' },
        after: { role: 'supervisor' },
      },
    ])
    const page = await answerOf(() =>
      memberLoader(
        routeArgs(getRequest(`/staff/admin/staff/${member.accountId}`, { cookie: admin.cookie }), {
          accountId: member.accountId,
        }),
      ),
    )
    expect(page.data).toMatchObject({
      member: {
        role: 'supervisor',
        version: 1,
        changes: [{ action: 'role_changed', actorName: 'Ada Admin' }],
      },
      isSelf: false,
    })
  })

  test('a stale form is a 409 with both sides, and changes nothing', async () => {
    const member = await createStaffAccount(database.db, { role: 'agent', displayName: 'Old Name' })
    await memberPost(member.accountId, { intent: 'rename', displayName: 'New Name', version: '0' })
    const before = await databaseFingerprint(database.db)
    const stale = await memberPost(member.accountId, {
      intent: 'role',
      role: 'admin',
      version: '0',
    })
    expect(stale.status).toBe(409)
    expect(stale.data).toMatchObject({
      intent: 'role',
      conflict: {
        expectedVersion: 0,
        current: { version: 1, displayName: 'New Name', role: 'agent', deactivated: false },
        changes: { role: 'admin' },
      },
    })
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })

  test('an admin cannot demote or deactivate themselves', async () => {
    const before = await databaseFingerprint(database.db)
    const version = await versionOf(admin.accountId)
    const demote = await memberPost(admin.accountId, { intent: 'role', role: 'agent', version })
    expect(demote.status).toBe(409)
    expect(demote.data).toMatchObject({ formErrors: ['admin:staff.errors.selfDemote'] })
    const deactivate = await memberPost(admin.accountId, { intent: 'deactivate', version })
    expect(deactivate.status).toBe(409)
    expect(deactivate.data).toMatchObject({ formErrors: ['admin:staff.errors.selfDeactivate'] })
    expect(await databaseFingerprint(database.db)).toEqual(before)
    expect(await accountSignedInBy(admin.cookie)).toBe(admin.accountId)
  })

  test('an unknown staff member is 404; a customer account is not a staff member', async () => {
    const customer = await signedInCustomer(database.db)
    for (const id of ['nope', '00000000-0000-4000-8000-000000000000', customer.accountId]) {
      const page = await answerOf(() =>
        memberLoader(
          routeArgs(getRequest(`/staff/admin/staff/${id}`, { cookie: admin.cookie }), {
            accountId: id,
          }),
        ),
      )
      expect(page.status).toBe(404)
      expect((await memberPost(id, { intent: 'deactivate', version: '0' })).status).toBe(404)
    }
  })
})

describe('consent wordings', () => {
  test('a new version is max+1, by the admin, and what customers see from then on', async () => {
    const latest = await latestWordingVersion(database.db, 'newsletter', 'en')
    const body = `Send me the newsletter, at most twice a month (${Date.now()}).`
    const answer = await answerOf(() =>
      wordingsAction(
        routeArgs(
          formRequest(
            '/staff/admin/wordings',
            {
              intent: 'add',
              topic: 'newsletter',
              language: 'en',
              body,
              basedOnVersion: String(latest),
            },
            { cookie: admin.cookie },
          ),
        ),
      ),
    )
    expect(answer).toMatchObject({ status: 302, location: '/staff/admin/wordings?saved=added' })
    const stored = await database.db
      .selectFrom('consent_wordings')
      .select(['version', 'created_by', 'body'])
      .where('topic', '=', 'newsletter')
      .where('language', '=', 'en')
      .orderBy('version', 'desc')
      .executeTakeFirstOrThrow()
    expect(stored).toEqual({ version: latest + 1, created_by: admin.accountId, body })

    const current = await currentWordings(database.db, 'en')
    expect(current.find((wording) => wording.topic === 'newsletter')).toMatchObject({
      version: latest + 1,
      body,
    })
    // The customer's preferences page offers the new sentence.
    const customer = await signedInCustomer(database.db)
    const page = await answerOf(() =>
      preferencesLoader(routeArgs(getRequest('/preferences', { cookie: customer.cookie }))),
    )
    expect(page.status).toBe(200)
    expect(JSON.stringify(page.data)).toContain(body)

    const listed = await answerOf(() =>
      wordingsLoader(routeArgs(getRequest('/staff/admin/wordings', { cookie: admin.cookie }))),
    )
    const groups = (
      listed.data as {
        groups: {
          topic: string
          language: string
          versions: { version: number; createdByName: string | null }[]
        }[]
      }
    ).groups
    const newsletter = groups.find(
      (group) => group.topic === 'newsletter' && group.language === 'en',
    )
    expect(newsletter?.versions[0]).toMatchObject({
      version: latest + 1,
      createdByName: 'Ada Admin',
    })
  })

  test('a version added in the meantime makes the save a 409, and nothing is added', async () => {
    const latest = await latestWordingVersion(database.db, 'offers', 'en')
    await addConsentWording(database.db, {
      topic: 'offers',
      language: 'en',
      body: 'Someone else’s text.',
      basedOnVersion: latest,
      staffAccountId: admin.accountId,
    })
    const before = await databaseFingerprint(database.db)
    const stale = await answerOf(() =>
      wordingsAction(
        routeArgs(
          formRequest(
            '/staff/admin/wordings',
            {
              intent: 'add',
              topic: 'offers',
              language: 'en',
              body: 'My text.',
              basedOnVersion: String(latest),
            },
            { cookie: admin.cookie },
          ),
        ),
      ),
    )
    expect(stale.status).toBe(409)
    expect(stale.data).toMatchObject({
      conflict: {
        expectedVersion: latest,
        current: { version: latest + 1, body: 'Someone else’s text.' },
      },
      values: { body: 'My text.' },
    })
    expect(await databaseFingerprint(database.db)).toEqual(before)
    await expect(
      addConsentWording(database.db, {
        topic: 'offers',
        language: 'en',
        body: 'x',
        basedOnVersion: latest,
        staffAccountId: admin.accountId,
      }),
    ).rejects.toBeInstanceOf(VersionConflictError)
  })

  test('a first version in a new language, and bad input as field errors', async () => {
    const created = await addConsentWording(database.db, {
      topic: 'events',
      language: 'fr',
      body: 'Invitez-moi aux événements.',
      basedOnVersion: 0,
      staffAccountId: admin.accountId,
    })
    expect(created).toMatchObject({ version: 1, language: 'fr' })
    const before = await databaseFingerprint(database.db)
    const bad = await answerOf(() =>
      wordingsAction(
        routeArgs(
          formRequest(
            '/staff/admin/wordings',
            { intent: 'add', topic: 'gossip', language: 'French', body: ' ', basedOnVersion: '0' },
            { cookie: admin.cookie },
          ),
        ),
      ),
    )
    expect(bad.status).toBe(400)
    expect(bad.data).toMatchObject({
      fieldErrors: {
        topic: ['admin:wordings.errors.topicInvalid'],
        language: ['admin:wordings.errors.languageInvalid'],
        body: ['admin:wordings.errors.bodyRequired'],
      },
    })
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })
})

describe('who may use the admin pages', () => {
  test('agents and supervisors get 403 on every admin page and write; nothing changes', async () => {
    const member = await createStaffAccount(database.db, { role: 'agent' })
    const invited = await inviteStaff(database.db, {
      email: uniqueEmail('pending'),
      displayName: 'Pending',
      role: 'agent',
      actorId: admin.accountId,
    })
    const before = await databaseFingerprint(database.db)
    for (const cookie of [agentCookie, supervisorCookie]) {
      const calls: (() => Promise<{ status: number }>)[] = [
        () => answerOf(() => adminLoader(routeArgs(getRequest('/staff/admin', { cookie })))),
        () => invitePost({ email: uniqueEmail('x'), displayName: 'X', role: 'admin' }, cookie),
        () =>
          answerOf(() =>
            memberLoader(
              routeArgs(getRequest(`/staff/admin/staff/${member.accountId}`, { cookie }), {
                accountId: member.accountId,
              }),
            ),
          ),
        () => memberPost(member.accountId, { intent: 'role', role: 'admin', version: '0' }, cookie),
        () => memberPost(member.accountId, { intent: 'deactivate', version: '0' }, cookie),
        () => memberPost(invited.accountId, { intent: 'resend' }, cookie),
        () =>
          answerOf(() =>
            wordingsLoader(routeArgs(getRequest('/staff/admin/wordings', { cookie }))),
          ),
        () =>
          answerOf(() =>
            wordingsAction(
              routeArgs(
                formRequest(
                  '/staff/admin/wordings',
                  {
                    intent: 'add',
                    topic: 'events',
                    language: 'en',
                    body: 'x',
                    basedOnVersion: '1',
                  },
                  { cookie },
                ),
              ),
            ),
          ),
      ]
      for (const call of calls) expect((await call()).status).toBe(403)
    }
    expect(await databaseFingerprint(database.db)).toEqual(before)

    const list = await answerOf(() =>
      adminLoader(routeArgs(getRequest('/staff/admin', { cookie: admin.cookie }))),
    )
    expect(list.status).toBe(200)
    const staff = (list.data as { staff: { accountId: string; state: string }[] }).staff
    expect(staff.find((entry) => entry.accountId === invited.accountId)?.state).toBe('invited')
    expect(staff.find((entry) => entry.accountId === member.accountId)?.state).toBe('active')
  })
})

describe('the invitation mail is in the language the admin chose', () => {
  async function inviteIn(fields: Record<string, string>, cookie = admin.cookie) {
    const email = uniqueEmail('lang')
    const { result, arrived } = await smtp.collect(() =>
      invitePost({ email, displayName: 'Lena Lang', role: 'agent', ...fields }, cookie),
    )
    return { email, result, arrived }
  }

  test.each([
    ['de', 'Ihr Mitarbeitendenkonto für das Kundenportal', 'Ihre Rolle: Kundenbetreuung.'],
    ['es', 'Su cuenta de personal para el portal de clientes', 'Ada Admin le ha invitado'],
    ['en', 'Your staff account for the customer portal', 'as Agent'],
  ])('in %s when chosen in the form', async (language, subject, text) => {
    const { email, result, arrived } = await inviteIn({ language })
    expect(result).toMatchObject({ status: 302, location: '/staff/admin?saved=invited' })
    expect(arrived).toHaveLength(1)
    expect(recipientOf(arrived[0]!)).toBe(email)
    expect(arrived[0]!.subject).toBe(subject)
    expect(arrived[0]!.text).toContain(text)
    // The link itself does not depend on the language.
    expect(tokenOf(linkIn(arrived[0]!, '/staff/claim'))).toMatch(/^[\w-]{20,}$/)
  })

  test("the form offers every language and starts at the admin's own", async () => {
    const german = `${admin.cookie}; ${(await localeCookie.serialize('de')).split(';')[0]}`
    const page = await answerOf(() =>
      adminLoader(routeArgs(getRequest('/staff/admin', { cookie: german }))),
    )
    expect(page.data).toMatchObject({ mailLanguage: 'de' })
    const english = await answerOf(() =>
      adminLoader(routeArgs(getRequest('/staff/admin', { cookie: admin.cookie }))),
    )
    expect(english.data).toMatchObject({ mailLanguage: 'en' })

    // A post without the field (an older form) writes in the admin's language too.
    const { arrived } = await inviteIn({}, german)
    expect(arrived).toHaveLength(1)
    expect(arrived[0]!.subject).toBe('Ihr Mitarbeitendenkonto für das Kundenportal')
  })

  test('a language we do not offer is a field error, and nothing is invited or sent', async () => {
    const before = await databaseFingerprint(database.db)
    const { result, arrived } = await inviteIn({ language: 'fr' })
    expect(result.status).toBe(400)
    expect(result.data).toMatchObject({ error: { language: ['admin:errors.languageInvalid'] } })
    expect(arrived).toHaveLength(0)
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })
})
