import type { PlanRequest } from '../temporal/contracts';
import type { ActivityDeps, PlanContext } from './deps';
import { planMorning } from './plan-morning';
import { planReport } from './plan-report';

/**
 * Before anything runs: what a morning writes (`planMorning`, activities/plan-morning.ts) and a run's parameters,
 * fixed from its input and the config (`planReport`, activities/plan-report.ts).
 */
export function createPlanActivities({ config, temporal, now = () => new Date() }: ActivityDeps) {
  const context: PlanContext = { config, temporal, now };
  return {
    planMorning: (request: PlanRequest) => planMorning(context, request),
    planReport: (request: PlanRequest) => planReport(context, request),
  };
}
