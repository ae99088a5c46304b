// `spamstream config`: the effective configuration, or the table of every setting.
import { Command } from 'commander';
import { loadConfig, maskSecrets } from '../../config/config.ts';
import { SETTINGS } from '../../config/settings.ts';

export function configCommand(): Command {
  return new Command('config')
    .description('print the effective configuration (validated), or every setting with --settings')
    .option('--settings', 'list every environment variable with its default, as a Markdown table')
    .action((options: { settings?: boolean }) => {
      if (options.settings) {
        console.log('| variable | default | meaning |\n| --- | --- | --- |');
        for (const s of SETTINGS) console.log(`| \`${s.env}\` | \`${s.defaultText}\` | ${s.doc} |`);
        return;
      }
      // Secrets (passwords, a password inside a URL) are masked: this output ends up in tickets and logs.
      console.log(JSON.stringify(maskSecrets(loadConfig()), null, 2));
    });
}
