export type Week = 'current' | 'previous';

/**
 * Counts, per report week, the orders with positive net sales (an order whose lines in the week are only refunds
 * is not an order). A line without an order id is an order of its own.
 */
export interface OrderCounter {
  add(week: Week, order: string | undefined, cents: number): void;
  counts(): Record<Week, number>;
}

/** Lines in any order: every order's net is kept until the end, so memory grows with the orders in the window. */
export class OrderNets implements OrderCounter {
  private readonly nets = { current: new Map<string, number>(), previous: new Map<string, number>() };
  private readonly single = { current: 0, previous: 0 };

  add(week: Week, order: string | undefined, cents: number): void {
    if (order === undefined) {
      if (cents > 0) this.single[week]++;
      return;
    }
    const nets = this.nets[week];
    nets.set(order, (nets.get(order) ?? 0) + cents);
  }

  counts(): Record<Week, number> {
    const positive = (week: Week) => [...this.nets[week].values()].filter((net) => net > 0).length;
    return {
      current: this.single.current + positive('current'),
      previous: this.single.previous + positive('previous'),
    };
  }
}

/**
 * Lines that arrive grouped by order (the database sorted them): only the open order's net is kept, so memory
 * stays flat however many orders there are.
 */
export class GroupedOrderNets implements OrderCounter {
  private open?: string;
  private net = { current: 0, previous: 0 };
  private readonly total = { current: 0, previous: 0 };

  add(week: Week, order: string | undefined, cents: number): void {
    if (order === undefined) {
      if (cents > 0) this.total[week]++;
      return;
    }
    if (order !== this.open) this.close(order);
    this.net[week] += cents;
  }

  counts(): Record<Week, number> {
    this.close(undefined);
    return { ...this.total };
  }

  private close(next: string | undefined): void {
    for (const week of ['current', 'previous'] as const) if (this.net[week] > 0) this.total[week]++;
    this.net = { current: 0, previous: 0 };
    this.open = next;
  }
}
