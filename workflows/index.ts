// The workflow types this worker registers, in the order a morning meets them: each export's name is its type
// (WORKFLOW_TYPES in temporal/contracts). A report run leases its GPU from the pool; the reaper is the second line.
export { morningReports } from './morning-reports';
export { weeklySalesReport } from './weekly-sales-report';
export { gpuPool } from './gpu-pool';
export { gpuReaper } from './gpu-reaper';
export { missedReportCheck } from './missed-report-check';
