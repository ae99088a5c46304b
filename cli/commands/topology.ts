// `spamstream topology apply | describe`.
import { Command } from 'commander';
import { loadConfig } from '../../config/config.ts';
import { describeTopology } from '../../topology/describe.ts';
import { applyTopology, formatApplyReport } from '../../topology/apply.ts';
import { topicSpecs } from '../../topology/topics.ts';
import { applyPorts, connectMessaging } from '../../runtime/wiring.ts';

export function topologyCommand(): Command {
  const command = new Command('topology').description('the topics, schemas, tables and processor graph');
  command
    .command('apply')
    .description('create topics, register schemas (BACKWARD) and create the Cassandra keyspace and tables; idempotent')
    .action(async () => {
      const config = loadConfig();
      const messaging = connectMessaging(config);
      try {
        console.log(formatApplyReport(await applyTopology(applyPorts(config, messaging), config)));
      } finally {
        await messaging.close();
      }
    });
  command
    .command('describe')
    .description('print the processor graph and topics')
    .option('--mermaid', 'print a Mermaid flowchart instead (the one in the README)')
    .action((options: { mermaid?: boolean }) => {
      const config = loadConfig();
      const topology = describeTopology(config);
      if (options.mermaid) {
        console.log(topology.mermaid());
        return;
      }
      console.log(topology.describe());
      console.log('\ntopics:');
      for (const topic of topicSpecs(config.topics))
        console.log(
          `  ${topic.name.padEnd(16)} ${topic.partitions} partitions, schema ${topic.schema ?? 'none (JSON)'}: ${topic.purpose}`,
        );
    });
  return command;
}
