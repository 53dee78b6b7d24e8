import { z } from 'zod'
// Type-only: erased from the browser bundle, which must not pull in the data layer.
import type { ItemVisibility } from '#db/item-visibility.ts'

// Who sees a new or existing ticket, request or order of an organisation. Shared by the browser
// and the server; messages are keys of the `sharing` namespace, translated where they are shown.
// Personal items (acting for oneself) have no sharing choice: leave these fields out of the
// schema there, and anything posted for them is ignored.

export const SHARING_VISIBILITIES = [
  'private',
  'named',
  'organisation',
] as const satisfies readonly ItemVisibility[]

/** The fields to spread into a form's z.object: `z.object({ ...other, ...sharingFields })`. */
export const sharingFields = {
  visibility: z.enum(SHARING_VISIBILITIES, {
    errorMap: () => ({ message: 'sharing:errors.visibilityRequired' }),
  }),
  // Checkboxes: none ticked sends nothing; Conform turns one value into a one-item array.
  sharedWith: z.array(z.string().uuid('sharing:errors.invalidColleague')).optional(),
}

export interface SharingValue {
  visibility: ItemVisibility
  sharedWith?: string[] | undefined
}

/** 'named' needs at least one colleague; use as `.superRefine(refineSharing)`. */
export function refineSharing(value: SharingValue, context: z.RefinementCtx): void {
  if (value.visibility === 'named' && (value.sharedWith ?? []).length === 0) {
    context.addIssue({
      code: z.ZodIssueCode.custom,
      path: ['sharedWith'],
      message: 'sharing:errors.colleagueRequired',
    })
  }
}

/** The colleagues to store: only for 'named' (a leftover tick under another choice is dropped). */
export function namedColleagues(value: SharingValue): string[] {
  return value.visibility === 'named' ? [...new Set(value.sharedWith ?? [])] : []
}

/** The whole "who can see it" form of a detail page (intent=sharing). */
export const SharingSchema = z
  .object({ intent: z.literal('sharing'), ...sharingFields })
  .superRefine(refineSharing)
