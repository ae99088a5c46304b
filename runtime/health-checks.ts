// What readiness checks, for the edge's `/ready` and a processor's ops server alike: each server
// the part reads or writes.
import type { Config } from '../config/config.ts';
import { checkConnectorRunning } from '../connectors/cdc/connector-rest.ts';
import type { CassandraStores } from '../connectors/cassandra/store.ts';
import type { Inbox } from '../connectors/inbox.ts';
import type { HealthCheck } from '../core/health.ts';
import type { Messaging } from './wiring.ts';

export function serverChecks(
  config: Pick<Config, 'cdc'>,
  messaging: Pick<Messaging, 'pingKafka' | 'registry'>,
  stores: Pick<CassandraStores, 'ping'>,
  cdc: { readonly inbox?: Pick<Inbox, 'ping'>; readonly connector: boolean },
): HealthCheck[] {
  const { inbox } = cdc;
  return [
    { name: 'kafka', check: () => messaging.pingKafka() },
    { name: 'registry', check: () => messaging.registry.ping() },
    { name: 'cassandra', check: () => stores.ping() },
    ...(inbox ? [{ name: 'postgres', check: () => inbox.ping() }] : []),
    ...(cdc.connector
      ? [{ name: 'connect', check: () => checkConnectorRunning(config.cdc.connectUrl, config.cdc.connector) }]
      : []),
  ];
}
