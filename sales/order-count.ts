/**
 * Counts, per report week (0 the report's week, 1 the one before, …), the orders with positive net sales: an order
 * whose lines in a week are only refunds is not an order. A line without an order id is an order of its own.
 */
export interface OrderCounter {
  add(week: number, order: string | undefined, cents: number): void;
  /** Orders per week, by week index. */
  counts(weeks: number): number[];
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

  counts(weeks: number): number[] {
    return Array.from(
      { length: weeks },
      (_, week) =>
        (this.single.get(week) ?? 0) + [...(this.nets.get(week)?.values() ?? [])].filter((net) => net > 0).length,
    );
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

  counts(weeks: number): number[] {
    this.close(undefined);
    return Array.from({ length: weeks }, (_, week) => this.total.get(week) ?? 0);
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
