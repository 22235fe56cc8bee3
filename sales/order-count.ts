/**
 * Counts, per bucket (a report week: 0 the report's week, 1 the one before, …; the year-ago week; the month to
 * date), the orders with positive net sales: an order whose lines in a bucket are only refunds is not an order. A
 * line without an order id is an order of its own.
 */
export interface OrderCounter {
  add(bucket: number, order: string | undefined, cents: number): void;
  /** Orders per bucket; a bucket without any is absent. */
  counts(): Map<number, number>;
}

/** Lines in any order: every order's net is kept until the end, so memory grows with the orders in the window. */
export class OrderNets implements OrderCounter {
  private readonly nets = new Map<number, Map<string, number>>();
  private readonly single = new Map<number, number>();

  add(week: number, order: string | undefined, cents: number): void {
    if (order === undefined) {
      if (cents > 0) this.single.set(week, (this.single.get(week) ?? 0) + 1);
      return;
    }
    const nets = this.nets.get(week) ?? new Map<string, number>();
    nets.set(order, (nets.get(order) ?? 0) + cents);
    this.nets.set(week, nets);
  }

  counts(): Map<number, number> {
    const counts = new Map(this.single);
    for (const [bucket, nets] of this.nets)
      counts.set(bucket, (counts.get(bucket) ?? 0) + [...nets.values()].filter((net) => net > 0).length);
    return counts;
  }
}

/**
 * Lines that arrive grouped by order (the database sorted them): only the open order's nets are kept, so memory
 * stays flat however many orders there are.
 */
export class GroupedOrderNets implements OrderCounter {
  private open?: string;
  private net = new Map<number, number>();
  private readonly total = new Map<number, number>();

  add(week: number, order: string | undefined, cents: number): void {
    if (order === undefined) {
      if (cents > 0) this.count(week);
      return;
    }
    if (order !== this.open) this.close(order);
    this.net.set(week, (this.net.get(week) ?? 0) + cents);
  }

  counts(): Map<number, number> {
    this.close(undefined);
    return new Map(this.total);
  }

  private count(week: number): void {
    this.total.set(week, (this.total.get(week) ?? 0) + 1);
  }

  private close(next: string | undefined): void {
    for (const [week, net] of this.net) if (net > 0) this.count(week);
    this.net = new Map();
    this.open = next;
  }
}
