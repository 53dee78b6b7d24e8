// Safe for the browser bundle: the UI hides what a role cannot use with the same rule the
// server guards enforce.

export type StaffRole = 'agent' | 'supervisor' | 'admin'

/** Lowest first; the order role pickers list them in. */
export const staffRoles = ['agent', 'supervisor', 'admin'] as const satisfies readonly StaffRole[]

const rank: Record<StaffRole, number> = { agent: 1, supervisor: 2, admin: 3 }

/** Each role includes the ones below it: admin ≥ supervisor ≥ agent. Customers have none. */
export function userHasRole(
  user: { kind: 'customer' | 'staff'; staffRole: StaffRole | null } | null,
  role: StaffRole,
): boolean {
  if (!user || user.kind !== 'staff' || !user.staffRole) return false
  return rank[user.staffRole] >= rank[role]
}
