// `spamstream config`: the effective configuration, or the table of every setting.
import { Command } from 'commander';
import { loadConfig } from '../../config/config.ts';
import { settingsMarkdown } from '../../config/settings-table.ts';

export function configCommand(): Command {
  return new Command('config')
    .description('print the effective configuration (validated), or every setting with --settings')
    .option('--settings', 'list every environment variable with its default, as Markdown tables (the README\'s)')
    .action((options: { settings?: boolean }) => {
      if (options.settings) {
        console.log(settingsMarkdown());
        return;
      }
      console.log(JSON.stringify(loadConfig(), null, 2));
    });
}
