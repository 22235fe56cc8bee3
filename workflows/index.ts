// The workflow types this worker registers: each export's name is its type (WORKFLOW_TYPES in temporal/contracts).
export { weeklySalesReport } from './weekly-sales-report';
export { gpuPool } from '../gpu/workflows/pool';
export { gpuReaper } from '../gpu/workflows/reaper';
