// `spamstream replay <features|scoring|store>`: recompute history into new feature views or model
// versions, or rebuild the online store, while the live pipeline keeps running (runtime/replay.ts).
import { createServer } from 'node:http';
import { Argument, Command, Option } from 'commander';
import { loadConfig } from '../../config/config.ts';
import { type Metrics, createMetrics } from '../../core/metrics.ts';
import {
  type ReplayKind,
  type ReplayProgress,
  type RunningReplay,
  type ReplayRequest,
  type ReplaySummary,
  REPLAY_KINDS,
  beginReplay,
  prepareReplay,
  runReplay,
} from '../../runtime/replay.ts';
import { listenForStop } from '../stop-signals.ts';

interface ReplayOptions {
  from: string;
  to: string;
  views?: string[];
  models?: string[];
  rate?: number;
  dryRun?: boolean;
  restart?: boolean;
  metricsPort?: number;
}

const ids = (raw: string) =>
  raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const positive = (raw: string) => {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error('expected a positive number');
  return n;
};
const n = (value: number) => Math.round(value).toLocaleString('en');

export function replayCommand(): Command {
  return new Command('replay')
    .description(
      'run a processor over topic history into the normal topics and the online store; the live pipeline runs on',
    )
    .addArgument(
      new Argument(
        '<kind>',
        'features: recompute views from sms.raw; scoring: rescore sms.features; store: rewrite the online store from sms.features and sms.predictions',
      ).choices(REPLAY_KINDS),
    )
    .option(
      '--from <where>',
      'earliest, an ISO time, or partition:offset,… (unlisted partitions are not read)',
      'earliest',
    )
    .option('--to <where>', 'latest (the ends when the replay first starts) or an ISO time', 'latest')
    .addOption(new Option('--views <ids>', 'feature views to compute (features), e.g. v2').argParser(ids))
    .addOption(new Option('--models <versions>', 'model versions to score with (scoring), e.g. v3').argParser(ids))
    .addOption(new Option('--rate <n>', 'at most n messages a second').argParser(positive))
    .option('--dry-run', 'print the partitions, offsets and message count it would read, and exit')
    .option('--restart', 'begin again instead of resuming where the same command stopped')
    .addOption(
      new Option(
        '--metrics-port <port>',
        "serve this run's Prometheus metrics (progress, rate) on http://127.0.0.1:<port>/metrics",
      ).argParser(positive),
    )
    .action(async (kind: ReplayKind, options: ReplayOptions) => {
      if (options.views && kind !== 'features') throw new Error('--views applies to replay features');
      if (options.models && kind !== 'scoring') throw new Error('--models applies to replay scoring');
      // Ctrl-C: drain, commit and stop; the same command resumes. Asking again exits at once; npm's
      // echo of the Ctrl-C under npx does not (cli/stop-signals.ts).
      let running: RunningReplay | undefined;
      let interrupted = false;
      const listening = listenForStop(process, {
        stop: () => {
          console.error('\nstopping: finishing what is in flight…');
          interrupted = true;
          void running?.stop();
        },
        force: () => process.exit(130),
      });
      const config = loadConfig();
      const request: ReplayRequest = {
        kind,
        from: options.from,
        to: options.to,
        views: options.views,
        models: options.models,
      };
      const prepared = await prepareReplay(config, request, { restart: options.restart });
      const { plan } = prepared;
      console.log(
        `replay ${kind}: group ${plan.groupId}, run ${plan.runId}${prepared.resumed ? ` (resuming: ${n(prepared.done)} of ${n(prepared.total)} done)` : ''}`,
      );
      for (const end of plan.end) {
        const start = plan.start.find((o) => o.topic === end.topic && o.partition === end.partition)!;
        console.log(
          `  ${end.topic}/${end.partition}: offsets ${start.offset} → ${end.offset} (${n(Number(BigInt(end.offset) - BigInt(start.offset)))})`,
        );
      }
      console.log(`  ${n(prepared.total)} offsets to read (records, and transaction markers, which hold offsets too)`);
      if (options.dryRun || interrupted) return;
      if (plan.completedAt) {
        console.log(`this replay completed at ${plan.completedAt}; --restart runs it again`);
        return;
      }
      await beginReplay(config, prepared);
      const report = progressReporter(kind, process.stderr.isTTY === true);
      const metrics = createMetrics();
      const server = options.metricsPort === undefined ? undefined : await serveMetrics(metrics, options.metricsPort);
      running = await runReplay(config, plan, { rate: options.rate, onProgress: report.update, metrics });
      if (interrupted) void running.stop();
      const summary = await running.finished;
      listening.close();
      server?.close();
      report.done(summary);
    });
}

/**
 * The replay runs in a process of its own, so it serves its own metrics — one more scrape target,
 * as Prometheus expects of every process. (Its progress also reaches the edge's `/metrics` and live
 * page through sms.replays, from wherever it runs; this endpoint needs no edge.)
 */
async function serveMetrics(metrics: Metrics, port: number) {
  const server = createServer((request, response) => {
    if (request.url !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    void metrics.registry
      .metrics()
      .then((text) => response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text));
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
  console.log(`  metrics on http://127.0.0.1:${port}/metrics`);
  return server;
}

/** A progress bar on a terminal, otherwise a line at once and then every 5 s; then the summary line. */
function progressReporter(kind: ReplayKind, tty: boolean) {
  let lastLine = Number.NEGATIVE_INFINITY;
  const describe = (p: ReplayProgress) => {
    const fraction = p.total > 0 ? Math.min(1, p.done / p.total) : 1;
    const { eta } = p;
    return {
      fraction,
      text: `${n(p.done)}/${n(p.total)} ${(fraction * 100).toFixed(0)}% ${n(p.rate)} messages/s ETA ${eta === undefined ? '?' : `${Math.ceil(eta)} s`}`,
    };
  };
  return {
    update(p: ReplayProgress) {
      const { fraction, text } = describe(p);
      if (tty) {
        const filled = Math.round(fraction * 30);
        process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(30 - filled)}] ${text}   `);
      } else if (p.seconds - lastLine >= 5) {
        lastLine = p.seconds;
        console.log(`replay ${kind}: ${text}`);
      }
    },
    done(s: ReplaySummary) {
      if (tty) process.stderr.write('\n');
      console.log(summaryLine(kind, s));
    },
  };
}

/** The line a replay ends with; `store` writes to the online store, the others to the topics. */
export function summaryLine(kind: ReplayKind, s: ReplaySummary): string {
  const state = s.completed ? 'done' : `stopped at ${n(s.done)}/${n(s.total)} (run the same command again to resume)`;
  const written = kind === 'store' ? `${n(s.written)} written to the online store` : `${n(s.written)} written`;
  return `replay ${kind} ${state}: ${n(s.messages)} messages read, ${written}, ${n(s.deadLetters)} dead-lettered in ${s.seconds.toFixed(1)} s (${n(s.rate)} messages/s)`;
}
