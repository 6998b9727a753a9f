/**
 * Email addresses of the configuration (MAIL_FROM, MAIL_TO_*, the trial file's mailRecipients),
 * checked before the server starts, so that a typo is found at start rather than at the first
 * emergency unblinding. Deliberately narrower than RFC 5322: a dot-atom local part and a host
 * name (no quoted local parts, comments or IP literals), which is what a trial unit's staff
 * addresses look like and leaves nothing that could smuggle a header into a message.
 */

/** Who receives which notice: docs/operations.md, "Email notices". */
export const MAIL_AUDIENCES = ['sponsor', 'investigators', 'admins'] as const;
export type MailAudience = (typeof MAIL_AUDIENCES)[number];
export type MailRecipientLists = Partial<Record<MailAudience, string[]>>;

/** A list longer than this is more likely a pasted file than a distribution list. */
export const MAX_RECIPIENTS_PER_LIST = 50;

const ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
const LOCAL_PART = new RegExp(`^${ATOM}(\\.${ATOM})*$`);
const LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** Why `text` is not an address this service sends to, or undefined when it is one. */
export function mailAddressProblem(text: string): string | undefined {
  if (text.length > 254) return `"${text.slice(0, 40)}..." is longer than 254 characters`;
  const at = text.lastIndexOf('@');
  if (at < 1 || at === text.length - 1) return `"${text}" is not an address of the form name@host`;
  const local = text.slice(0, at);
  const host = text.slice(at + 1);
  if (local.length > 64 || !LOCAL_PART.test(local)) {
    return `"${text}" has a name part (before @) that is not letters, digits and . _ + - (at most 64)`;
  }
  if (!host.split('.').every((label) => LABEL.test(label))) {
    return `"${text}" has a host part (after @) that is not a host name`;
  }
  return undefined;
}

/**
 * MAIL_FROM: an address, or a display name and an address as `Trial unit <trial@example.org>`.
 * The display name may not hold the characters that would end it or start a new header.
 */
export function mailSenderProblem(text: string): string | undefined {
  const named = /^([^<>"\\\r\n]{1,100}?)\s*<([^<>\s]+)>$/.exec(text.trim());
  if (named) return mailAddressProblem(named[2] ?? '');
  if (/[\r\n<>]/.test(text)) return 'must be an address, or a name and <address>, on one line';
  return mailAddressProblem(text.trim());
}

/**
 * A comma-separated list (MAIL_TO_*): each address checked, repeats dropped, the order kept.
 * Returns the addresses or the first problem.
 */
export function parseMailAddressList(text: string): { addresses: string[] } | { problem: string } {
  const items = text.split(',').map((item) => item.trim());
  if (items.some((item) => item === '')) {
    return { problem: 'has an empty entry: separate addresses with single commas' };
  }
  return checkedAddresses(items);
}

/** The same checks for a list that arrives as an array (the trial file). */
export function checkedAddresses(items: string[]): { addresses: string[] } | { problem: string } {
  for (const item of items) {
    const problem = mailAddressProblem(item);
    if (problem) return { problem };
  }
  const addresses = [...new Set(items)];
  if (addresses.length > MAX_RECIPIENTS_PER_LIST) {
    return {
      problem: `lists ${addresses.length} addresses; at most ${MAX_RECIPIENTS_PER_LIST} (use a distribution list)`,
    };
  }
  return { addresses };
}
