// A private single-node Kafka for tests that restart, kill or freeze a broker: the shared one on
// 9092 serves every other test running at the same time, so it must never be touched. It is the
// launcher's own Kafka (same version, jars from the cache) run as a private server
// (private-server.ts: free ports, a temp folder, a watchdog so no JVM outlives its test).
import { serverJava } from '../stack/java.ts';
import { kafkaServer } from '../stack/kafka.ts';
import { type PrivateServer, startPrivateServer } from './private-server.ts';

export interface SecondBroker extends PrivateServer {
  readonly brokers: string[];
}

export async function startSecondBroker(options: { startTimeoutMs?: number } = {}): Promise<SecondBroker> {
  const server = await startPrivateServer({
    name: 'kafka',
    ports: ['SPAMSTREAM_KAFKA_PORT', 'SPAMSTREAM_KAFKA_CONTROLLER_PORT'],
    env: { SPAMSTREAM_KAFKA_HEAP_MB: '256' },
    server: (settings) => kafkaServer(settings, () => serverJava(settings.stack)),
    startTimeoutMs: options.startTimeoutMs,
  });
  return { ...server, brokers: [...server.settings.kafka.brokers] };
}
