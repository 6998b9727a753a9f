/**
 * Bounds what anonymous refusals can write to the audit log (docs/audit-format.md, "Refusals"):
 * per client address and clock minute, the first REFUSALS_PER_MINUTE are written, the rest only
 * counted; the count of a minute is handed back once, as a summary, when the address's next
 * refusal arrives in a later minute or when flush() runs (a timer). Pure, with the time passed in.
 */
export const ANONYMOUS_REFUSALS_PER_MINUTE = 60;

export interface SuppressedRefusals {
  address: string;
  /** The start of the minute, ISO-8601 UTC. */
  minute: string;
  count: number;
}

interface Window {
  minute: number;
  seen: number;
}

export class RefusalRateLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(readonly perMinute = ANONYMOUS_REFUSALS_PER_MINUTE) {}

  /** Whether this refusal is written, and the summaries of earlier minutes now due. */
  admit(address: string, nowMs: number): { write: boolean; due: SuppressedRefusals[] } {
    const minute = Math.floor(nowMs / 60_000);
    const window = this.windows.get(address);
    const due: SuppressedRefusals[] = [];
    if (!window || window.minute !== minute) {
      if (window) {
        const summary = summaryOf(address, window, this.perMinute);
        if (summary) due.push(summary);
      }
      this.windows.set(address, { minute, seen: 1 });
      return { write: true, due };
    }
    window.seen += 1;
    return { write: window.seen <= this.perMinute, due };
  }

  /** The summaries of every minute that has ended; forgets those addresses. */
  flush(nowMs: number): SuppressedRefusals[] {
    const minute = Math.floor(nowMs / 60_000);
    const due: SuppressedRefusals[] = [];
    for (const [address, window] of this.windows) {
      if (window.minute >= minute) continue;
      this.windows.delete(address);
      const summary = summaryOf(address, window, this.perMinute);
      if (summary) due.push(summary);
    }
    return due;
  }
}

function summaryOf(
  address: string,
  window: Window,
  perMinute: number,
): SuppressedRefusals | undefined {
  const count = window.seen - perMinute;
  if (count <= 0) return undefined;
  return { address, minute: new Date(window.minute * 60_000).toISOString(), count };
}
