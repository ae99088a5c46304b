// `spamstream config`: the effective configuration, or the table of every setting.
import { Command } from 'commander';
import { loadConfig, maskSecrets } from '../../config/config.ts';
import { settingsMarkdown } from '../../config/settings-table.ts';

export function configCommand(): Command {
  return new Command('config')
    .description('print the effective configuration (validated), or every setting with --settings')
    .option(
      '--settings',
      'list every environment variable with its default, as Markdown tables (those of docs/configuration.md)',
    )
    .action((options: { settings?: boolean }) => {
      if (options.settings) {
        console.log(settingsMarkdown());
        return;
      }
      // Secrets (passwords, a password inside a URL) are masked: this output ends up in tickets and logs.
      console.log(JSON.stringify(maskSecrets(loadConfig()), null, 2));
    });
}
