export { progressQuery, weeklySalesReport } from './weekly-sales-report';
export { gpuReaper } from './gpu-reaper';
export { gpuPool } from './gpu-pool';
