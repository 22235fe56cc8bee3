import type { SalesMetrics, Standing } from './metrics';

/** The slice key, the field it was split by and its metrics: what a standing is computed from. */
type Slices = Record<string, SalesMetrics>;

/**
 * Where each value of a split stands among the others of the same read, by revenue in the period: a store's rank
 * among the stores of its region and of the whole read, and the average beside each. Computed once the read has every
 * slice, so one store's report knows the others' figures without showing them. A value whose lines span regions
 * (or a split by region) has no rank within a region.
 */
export function withStandings(slices: Slices, field: string): Slices {
  const all = Object.entries(slices).map(([name, m]) => ({ name, m, revenue: m.kpis.revenue.current }));
  const regionOf = (m: SalesMetrics) =>
    field !== 'region' && m.byRegion.length === 1 ? m.byRegion[0]!.name : undefined;
  const standingIn = (name: string, among: typeof all) => {
    const ranked = [...among].sort((a, b) => b.revenue - a.revenue || a.name.localeCompare(b.name));
    return {
      rank: ranked.findIndex((x) => x.name === name) + 1,
      of: ranked.length,
      average: ranked.reduce((sum, x) => sum + x.revenue, 0) / ranked.length,
    };
  };
  return Object.fromEntries(
    all.map(({ name, m }) => {
      const region = regionOf(m);
      const standing: Standing = {
        field,
        ...standingIn(name, all),
        ...(region !== undefined && {
          region: {
            name: region,
            ...standingIn(
              name,
              all.filter((x) => regionOf(x.m) === region),
            ),
          },
        }),
      };
      return [name, { ...m, standing }];
    }),
  );
}
