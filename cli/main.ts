// The `spamstream` command line: one file per command under cli/commands/.
import { CommanderError } from 'commander';
import { ConfigError, unknownVariables } from '../config/config.ts';
import { createLog } from '../core/log.ts';
import { buildProgram } from './program.ts';

const program = buildProgram();
const log = createLog('info');
for (const warning of unknownVariables(process.env)) log.warn(warning);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  console.error(`spamstream: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
