// The fault scenarios, in the order `npm run test:faults` runs them.
import type { Scenario } from './harness.ts';
import { brokerRestart } from './broker-restart.ts';
import { cassandraOutage } from './cassandra-outage.ts';
import { cdc } from './cdc.ts';
import { kill9 } from './kill9.ts';
import { poison } from './poison.ts';
import { registryOutage } from './registry-outage.ts';
import { scale } from './scale.ts';
import { zombie } from './zombie.ts';

export const SCENARIOS: readonly Scenario[] = [
  kill9,
  brokerRestart,
  cassandraOutage,
  registryOutage,
  poison,
  scale,
  zombie,
  cdc,
];
