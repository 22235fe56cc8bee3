#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's require hook, so `npx sales-report` needs no build step.
require('tsx/cjs');
require('../cli/sales-report.ts')
  .main(process.argv)
  .then((code) => process.exit(code));
