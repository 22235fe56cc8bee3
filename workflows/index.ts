// The workflow types this worker registers, in the order a morning meets them: each export's name is its type
// (WORKFLOW_TYPES in temporal/contracts). A report run leases its GPU from the pool; the reaper is the second line.
export { morningReports } from './morning-reports';
export { salesReport } from './sales-report';
/**
 * The report run under the name it had until 2026-12-08 (weeklySalesReport), for the runs recorded, running or
 * scheduled under it. Retire it like a patch: once no run of that name can be open or reset (the namespace's
 * retention after 2026-12-08), every schedule has been applied again (`sales-report schedule apply`), and the
 * recorded histories of that name have gone with the patches they test.
 */
export { salesReport as weeklySalesReport } from './sales-report';
export { gpuPool } from './gpu-pool';
export { gpuReaper } from './gpu-reaper';
export { missedReportCheck } from './missed-report-check';
