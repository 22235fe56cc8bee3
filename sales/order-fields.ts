import type { OrderLine } from './aggregator';

/** The fields of an order line an export's columns map to: the header detection, the readers and PostgreSQL's query. */
export const FIELDS = [
  'orderId',
  'orderDate',
  'product',
  'category',
  'region',
  'channel',
  'quantity',
  'unitPrice',
  'amount',
  'store',
  'manager',
] as const;
export type Field = (typeof FIELDS)[number];

/** One row as read: an order line, or the field that made it unreadable and why. */
export type ParsedLine = { line: OrderLine } | { field: Field; reason: string };
