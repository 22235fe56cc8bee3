import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Custom search attributes for the audit trail. Never put sales figures or secrets here: they are not encrypted. */
export const ReportDate = defineSearchAttributeKey('ReportDate', SearchAttributeType.KEYWORD);
export const ReportOutcome = defineSearchAttributeKey('ReportOutcome', SearchAttributeType.KEYWORD);
export const ReportTrigger = defineSearchAttributeKey('ReportTrigger', SearchAttributeType.KEYWORD);
/** Set when a run raised an alert: "delivered" (some channel took it) or "undelivered" (none did). */
export const ReportAlert = defineSearchAttributeKey('ReportAlert', SearchAttributeType.KEYWORD);

/** Which report the config defines (reports[].id) a run writes, and the value of its split ("华东"); unset: the default report. */
export const ReportId = defineSearchAttributeKey('ReportId', SearchAttributeType.KEYWORD);
export const ReportSplit = defineSearchAttributeKey('ReportSplit', SearchAttributeType.KEYWORD);

/** What became of the model's words: "full", "partial" (items left out) or "withheld" (the numbers went alone). */
export const ReportNarrative = defineSearchAttributeKey('ReportNarrative', SearchAttributeType.KEYWORD);

export const reportSearchAttributes = [
  ReportDate,
  ReportOutcome,
  ReportTrigger,
  ReportAlert,
  ReportId,
  ReportSplit,
  ReportNarrative,
];

/** Set by the server on runs a Schedule starts (including trigger and backfill): the nominal time of the action. */
export const TemporalScheduledStartTime = defineSearchAttributeKey(
  'TemporalScheduledStartTime',
  SearchAttributeType.DATETIME,
);
