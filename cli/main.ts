// The `spamstream` command line: one file per command under cli/commands/.
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/config.ts';
import { configCommand } from './commands/config.ts';
import { featuresCommand } from './commands/features.ts';
import { stackCommand } from './commands/stack.ts';

const program = new Command('spamstream')
  .description('Real-time SMS spam scoring: Kafka, Avro, Cassandra and ONNX')
  .version('0.1.0')
  .showHelpAfterError()
  .exitOverride();

program.addCommand(configCommand());
program.addCommand(featuresCommand());
program.addCommand(stackCommand());

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
