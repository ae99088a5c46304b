// The `spamstream` program: every command, one file each under cli/commands/ (main.ts runs it;
// the README's command table is tested against it).
import { Command } from 'commander';
import { configCommand } from './commands/config.ts';
import { featuresCommand } from './commands/features.ts';
import { predictCommand } from './commands/predict.ts';
import { consumeCommand } from './commands/consume.ts';
import { inboxCommand } from './commands/inbox.ts';
import { labelCommand } from './commands/label.ts';
import { produceCommand } from './commands/produce.ts';
import { replayCommand } from './commands/replay.ts';
import { resetCommand } from './commands/reset.ts';
import { runCommand } from './commands/run.ts';
import { stackCommand } from './commands/stack.ts';
import { startCommand } from './commands/start.ts';
import { topologyCommand } from './commands/topology.ts';

export function buildProgram(): Command {
  const program = new Command('spamstream')
    .description('Real-time SMS spam scoring: Kafka, Avro, Cassandra and ONNX')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();

  program.addCommand(configCommand());
  program.addCommand(featuresCommand());
  program.addCommand(predictCommand());
  program.addCommand(stackCommand());
  program.addCommand(topologyCommand());
  program.addCommand(startCommand());
  program.addCommand(runCommand());
  program.addCommand(produceCommand());
  program.addCommand(consumeCommand());
  program.addCommand(inboxCommand());
  program.addCommand(labelCommand());
  program.addCommand(replayCommand());
  program.addCommand(resetCommand());
  return program;
}
