// The `quoin` command. Each subcommand lives in its own module; this file only wires them up.
import { Command, CommanderError } from 'commander';
import { registerAllocate } from './allocate-command.js';
import { registerAudit } from './audit-command.js';
import { registerBacktest } from './backtest-command.js';
import { registerClientCommands } from './client-commands.js';
import { registerCheck, registerCompile } from './compile-commands.js';
import { registerHedgeReport } from './hedge-report-command.js';
import { registerRun } from './run-command.js';
import { registerServe } from './serve-command.js';
import { registerSimulate } from './simulate-command.js';
import { registerStress } from './stress-command.js';
import { registerSweep } from './sweep-command.js';
import { registerTrades } from './trades-command.js';
import { registerTrade } from './trade-command.js';
import { registerVenue } from './venue-command.js';
import { version } from './version.js';
import { applyV8Tuning } from '../runtime/v8-tuning.js';

// Before anything runs hot (runtime/v8-tuning.ts).
applyV8Tuning();

const program = new Command();
program
  .name('quoin')
  .description('Quoin: rule-driven market making. Compile, check and run .quoin rule sets.')
  .version(version)
  .showHelpAfterError('(run quoin help for the commands)')
  .exitOverride();

registerCheck(program);
registerCompile(program);
registerRun(program);
registerSimulate(program);
registerBacktest(program);
registerTrades(program);
registerSweep(program);
registerStress(program);
registerHedgeReport(program);
registerServe(program);
registerClientCommands(program);
registerAudit(program);
registerVenue(program);
registerTrade(program);
registerAllocate(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // Commander has printed its message (or help) already.
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else {
    process.stderr.write(`quoin: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  }
}
