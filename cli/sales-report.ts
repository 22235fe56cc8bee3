import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/config';
import { registerSearchAttributes } from '../temporal/setup';
import { codecServerCommand } from './commands/codec-server';
import { costCommand } from './commands/cost';
import { dataCommands } from './commands/data';
import { runCommands } from './commands/runs';
import { scheduleCommands } from './commands/schedule';
import { CliContext, UsageError, type GlobalOptions } from './context';

/** The operator CLI. Exit codes: 0 ok, 1 the operation failed, 2 the command was called wrongly. */
export function buildProgram(): { program: Command; context: () => CliContext } {
  let ctx: CliContext | undefined;
  const program = new Command('sales-report')
    .description('Schedule, re-run and audit the weekly sales report on Temporal.')
    .option('--config <path>', 'config file (default: $SALES_REPORT_CONFIG, else built-in defaults)')
    .option('--verbose', 'show stack traces on errors')
    .exitOverride()
    .showHelpAfterError('(add --help for usage)');
  const context = () => (ctx ??= new CliContext(program.opts<GlobalOptions>()));

  program
    .command('setup')
    .description('register the audit search attributes on the namespace (idempotent)')
    .action(async () => {
      const c = context();
      const result = await registerSearchAttributes(await c.rawConnection(), c.config.temporal.namespace);
      console.log(
        result.added.length
          ? `registered ${result.added.join(', ')}`
          : `already registered: ${result.present.join(', ')}`,
      );
    });
  scheduleCommands(program, context);
  runCommands(program, context);
  costCommand(program, context);
  dataCommands(program, context);
  codecServerCommand(program, context);
  // Every subcommand gets --help from commander; --json is per command where output is tabular.
  for (const sub of program.commands.flatMap((c) => [c, ...c.commands])) sub.exitOverride();
  return { program, context };
}

export async function main(argv: string[]): Promise<number> {
  const { program, context } = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    const verbose = program.opts<GlobalOptions>().verbose;
    if (err instanceof UsageError) {
      console.error(`sales-report: ${err.message}`);
      return 2;
    }
    if (err instanceof ConfigError) console.error(err.message);
    else console.error(`sales-report: ${verbose ? (err as Error).stack : (err as Error).message}`);
    return 1;
  } finally {
    await context().close();
  }
}

if (require.main === module) {
  void main(process.argv).then((code) => process.exit(code));
}
