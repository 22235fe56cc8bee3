import { describeTemporalCli, resolveTemporalCli } from './temporal-cli';

// Provisions the Temporal CLI the tests and the demo use, and says which one was chosen.
try {
  console.log(describeTemporalCli(resolveTemporalCli(process.env, (line) => console.log(line))));
} catch (err) {
  console.error(`temporal:install: ${(err as Error).message}`);
  process.exit(1);
}
