import { resolveMotoServer } from './moto';

// Provisions moto's server for the AWS tests (cached under ~/.cache/sales-report) and says where it is.
console.log(`moto_server: ${resolveMotoServer()}`);
