/**
 * The roles of SPEC section 2. A user holds one or more. Appended, never reordered: the stored
 * form (encodeRoles) follows this order. `assessor`: an outcome assessor, blinded, who records
 * guesses of which leg got the cells (docs/blinding-assessment.md).
 */
export const ROLES = [
  'admin',
  'statistician',
  'pharmacist',
  'investigator',
  'unblinder',
  'monitor',
  'assessor',
] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Stored as a comma-separated list in a fixed order, so equal role sets compare equal. */
export function encodeRoles(roles: readonly Role[]): string {
  return ROLES.filter((role) => roles.includes(role)).join(',');
}

export function decodeRoles(text: string): Role[] {
  return text.split(',').filter(isRole);
}
