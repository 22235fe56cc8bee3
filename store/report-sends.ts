import type { EmailReceipt } from './sent-records';
import { hashedName, JsonRecords } from './json-records';
import type { Store } from './store';
import type { ReportRef } from './archive';

/** Who a report goes to: the audience half of "one report per date and audience". */
export interface Audience {
  to: string[];
  cc: string[];
  bcc: string[];
}

/**
 * One report's email, from the moment it is handed to the relay: `handed-over` is written before the message's
 * last bytes go (so the relay cannot accept it before this exists), `accepted` once the relay said 250, `refused`
 * when it answered with an error (nothing was delivered; another attempt may send).
 */
export interface ReportSend {
  messageId: string;
  /** The run that sent it: "<workflowId>/<runId>". */
  sentBy: string;
  state: 'handed-over' | 'accepted' | 'refused';
  handedOverAt: string;
  /**
   * Refreshed by the attempt that handed the message over while it waits for the relay's answer: a hand-over whose
   * attempt stopped refreshing has lost its connection with its process, so its outcome is fixed (and unknown).
   */
  aliveAt?: string;
  accepted: string[];
  rejected: string[];
  acceptedAt?: string;
}

/**
 * The same addresses in any order or case are the same audience. Reports the config defines (`reports`) are told
 * apart by id and split value: the weekly review and a region's flash to the same director are two sends.
 */
function audienceId(reportDate: string, audience: Audience, report: ReportRef | undefined): string {
  const list = (xs: string[]) => [...new Set(xs.map((x) => x.trim().toLowerCase()))].sort().join(',');
  const which = report ? `|report:${report.id}${report.split === undefined ? '' : `|split:${report.split}`}` : '';
  return `${reportDate}${which}|to:${list(audience.to)}|cc:${list(audience.cc)}|bcc:${list(audience.bcc)}`;
}

/**
 * Report sends by date and audience, in the store every worker host shares: a scheduled run, a backfill, a re-run or
 * a Reset that finds its date's report already went to the same people does not send it again; a resend (input
 * `resend: true`) is a send of its own, keyed by its run.
 */
export class ReportSends {
  private readonly records: JsonRecords<ReportSend>;

  constructor(store: Store) {
    this.records = new JsonRecords(store, 'report-sends/', (id) => hashedName(id));
  }

  /** The key of this report's send; with `resendBy` (a run key), a resend's own. */
  key(reportDate: string, audience: Audience, report: ReportRef | undefined, resendBy?: string): string {
    const id = audienceId(reportDate, audience, report);
    return resendBy === undefined ? id : `${id}|resend:${resendBy}`;
  }

  find(key: string): Promise<ReportSend | undefined> {
    return this.records.get(key);
  }

  /**
   * Claims the send before the relay can accept it: false when another run holds it already. A claim the relay
   * refused earlier (nothing delivered) may be taken again.
   */
  async claim(key: string, send: ReportSend): Promise<boolean> {
    if (await this.records.create(key, send)) return true;
    if ((await this.records.get(key))?.state !== 'refused') return false;
    await this.records.put(key, send);
    return true;
  }

  update(key: string, send: ReportSend): Promise<void> {
    return this.records.put(key, send);
  }
}

/** What a run tells of a send it found: its own earlier attempt's, or another run's (`sentBy` says which). */
export function receiptOf(send: ReportSend): EmailReceipt {
  return {
    messageId: send.messageId,
    accepted: send.accepted,
    rejected: send.rejected,
    alreadySent: true,
    sentBy: send.sentBy,
    ...(send.state === 'handed-over' && { delivery: 'unknown' as const }),
  };
}
