// Deletes what an isolated run (isolatedEnv: topics and consumer groups named `<run>.…`) left on
// the broker. Tests and benchmarks make a new set each time; kept, they pile up on a long-lived
// stack, until the broker's heap is full of their partitions and its collector busy.
import { Kafka, logLevel } from 'kafkajs';
import type { Config } from '../config/config.ts';
import { deleteGroup } from '../connectors/kafka/admin.ts';
import { kafkaSecurity } from '../connectors/kafka/client.ts';

export interface DropOptions {
  /** Keep the topics (a failed fault scenario's, to be read afterwards); groups go all the same. */
  readonly keepTopics?: boolean;
  /**
   * Tries per group that still has members: one that has just left may keep its group non-empty
   * for a moment. A killed member keeps it so until its session times out: the fault harness tries once.
   */
  readonly groupAttempts?: number;
}

/** Deletes the run's topics and consumer groups; answers their names. */
export async function dropRun(
  kafkaConfig: Config['kafka'],
  run: string,
  options: DropOptions = {},
): Promise<{ topics: string[]; groups: string[] }> {
  // Few retries: a broker that is gone (a test's private one) should not hold a cleanup for a minute.
  const kafka = new Kafka({
    clientId: `${kafkaConfig.clientId}-drop-run`,
    brokers: [...kafkaConfig.brokers],
    ...kafkaSecurity(kafkaConfig),
    logLevel: logLevel.NOTHING,
    retry: { retries: 2 },
  });
  const admin = kafka.admin();
  const ours = (name: string) => name.startsWith(`${run}.`);
  await admin.connect();
  try {
    const topics = options.keepTopics ? [] : (await admin.listTopics()).filter(ours);
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 10_000 });
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter(ours);
    for (const group of groups) await deleteGroup(kafka, group, options.groupAttempts ?? 5);
    return { topics, groups };
  } finally {
    await admin.disconnect();
  }
}

/**
 * dropRun at the end of a benchmark or fault scenario, whose result is already printed or returned:
 * a cleanup that fails (a killed member still holding its group, a broker gone) is a note, never an
 * error that would take the result down with it.
 */
export async function dropRunAfterResult(
  kafkaConfig: Config['kafka'],
  run: string,
  options: DropOptions = {},
  note: (line: string) => void = console.error,
): Promise<void> {
  await dropRun(kafkaConfig, run, options).catch((error: unknown) =>
    note(`cleanup: the run's topics or groups were not all deleted (${(error as Error).message})`),
  );
}
