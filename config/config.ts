// One typed configuration object, read once at start from the environment.
// Every setting has a written-down default and an environment variable; all problems are
// reported together; the result is deeply frozen. Each part of the program receives only its slice.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { type Consistency, SETTINGS, type SettingSpec, type TableKey, type WriteCodec } from './settings.ts';

export interface StackConfig {
  /** `local`: spamstream starts its own servers; `external`: it only connects to the configured ones. */
  readonly mode: 'local' | 'external';
  /** 1: one process of each server on 127.0.0.1; 3: the local cluster (stack/cluster.ts). */
  readonly nodes: 1 | 3;
  /** Where the local cluster's nodes listen, one address each. */
  readonly clusterAddresses: readonly string[];
  /** Downloaded server jars live here, outside the work tree, so later starts need no network. */
  readonly cacheDir: string;
  /** Data and logs of the local servers (git-ignored). */
  readonly dataDir: string;
  readonly kafkaVersion: string;
  readonly apicurioVersion: string;
  readonly cassandraVersion: string;
  readonly kafkaPort: number;
  readonly kafkaControllerPort: number;
  readonly registryPort: number;
  /** Apicurio's health and metrics listener, bound to loopback. */
  readonly registryManagementPort: number;
  readonly cassandraPort: number;
  /** Cassandra's internode port: a second stack on the same machine needs another one. */
  readonly cassandraStoragePort: number;
  readonly kafkaHeapMb: number;
  readonly registryHeapMb: number;
  readonly cassandraHeapMb: number;
  /** Java for Kafka and Cassandra; Cassandra 5.0 runs on 11 or 17 only. */
  readonly java: string;
  /** Java >= 21 for Apicurio Registry 3.3; empty means find or fetch one. */
  readonly registryJava: string;
  readonly jdk4pyVersion: string;
  /** How long `stack up` waits for every server to answer a real request. */
  readonly startTimeoutMs: number;
  readonly postgresVersion: string;
  readonly postgresPort: number;
  /** Runs PostgreSQL when the launcher is root, since PostgreSQL refuses to run as root. */
  readonly postgresOsUser: string;
  readonly connectPort: number;
  readonly connectHeapMb: number;
  readonly debeziumVersion: string;
}

export interface KafkaConfig {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly ssl: boolean;
  /** PEM files; empty means none (the system's CAs, no client certificate). */
  readonly sslCaFile: string;
  readonly sslCertFile: string;
  readonly sslKeyFile: string;
  readonly saslMechanism: 'none' | 'plain' | 'scram-sha-256' | 'scram-sha-512';
  readonly saslUsername: string;
  /** A secret (SECRET_SETTINGS): masked by `spamstream config`, never logged. */
  readonly saslPassword: string;
}

export interface RegistryConfig {
  readonly url: string;
  /** Instances sharing the registry's storage, tried in turn when the one in use does not answer. */
  readonly fallbackUrls: readonly string[];
  /** Basic auth when username is set. */
  readonly username: string;
  readonly password: string;
  readonly caFile: string;
}

export interface CassandraConfig {
  readonly contactPoints: readonly string[];
  readonly localDataCenter: string;
  readonly keyspace: string;
  readonly replicationFactor: number;
  /** The online store's reads, and its writes (connectors/cassandra/store.ts). */
  readonly readConsistency: Consistency;
  readonly writeConsistency: Consistency;
  readonly serialConsistency: 'LOCAL_SERIAL' | 'SERIAL';
  /** PasswordAuthenticator credentials when username is set. */
  readonly username: string;
  readonly password: string;
  readonly ssl: boolean;
  readonly sslCaFile: string;
}

export interface TopicsConfig {
  readonly raw: string;
  readonly features: string;
  readonly predictions: string;
  /** Labels users gave (spam or ham), keyed by sms_id: the ground truth live quality is measured against. */
  readonly labels: string;
  readonly dlq: string;
  /** Labels and predictions as one stream keyed by message (the verdicts processor's output, the quality processor's input). */
  readonly verdicts: string;
  /** Confusion counts per model version and partition of `verdicts` (compacted); the edge adds them up. */
  readonly quality: string;
  /** Debezium's change events of the inbox table (JSON); the cdc processor turns them into sms.raw. */
  readonly cdc: string;
  /** Where replays publish their progress (compacted: the newest record per replay); the edge reads it. */
  readonly replays: string;
  readonly partitions: number;
  /** Of the topics `topology apply` creates; 0 leaves each to the broker's default. */
  readonly replicationFactor: number;
  readonly minInsyncReplicas: number;
  /** Retention of sms.raw and sms.features: long, because they are replayed to backfill new versions. */
  readonly replayRetentionMs: number;
  /** Codec of what spamstream writes to the `compressed` topics. */
  readonly compression: WriteCodec;
  /** Topics whose records spamstream writes compressed: by default the feature history, the largest. */
  readonly compressed: readonly string[];
}

export interface PipelineConfig {
  /** Model versions the scoring processor runs; empty means every model in modelsDir. */
  readonly models: readonly string[];
  /** Feature views the features processor computes; empty means all of them. */
  readonly views: readonly string[];
  readonly modelsDir: string;
  /** Models trained from labels (not the repository's): loaded only when named in `models`. */
  readonly localModelsDir: string;
  /** Texts longer than this (UTF-8 bytes) go to the dead-letter topic. */
  readonly maxTextBytes: number;
  /** Records in flight per processor, bounding memory and concurrency. */
  readonly maxInFlight: number;
  /** Bytes per fetch of a processor's input, in all and per partition. */
  readonly fetchMaxBytes: number;
  readonly inferenceBatchSize: number;
  readonly inferenceBatchWaitMs: number;
  readonly consumerGroupPrefix: string;
  readonly delivery: 'exactly-once' | 'at-least-once';
  readonly transactionTimeoutMs: number;
  readonly partitionsConcurrently: number;
  readonly deliverBatchSize: number;
  readonly deliverWaitMs: number;
  /** Retriable failures are retried until they succeed, never dead-lettered: first back-off, and its cap. */
  readonly retryBackoffMs: number;
  readonly retryBackoffMaxMs: number;
  readonly sessionTimeoutMs: number;
  /** A revoked partition's records get this long to finish; then they are left to the next owner. */
  readonly drainTimeoutMs: number;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  readonly logFormat: 'text' | 'json';
  /** After a signal, `start` and `run` exit when this has passed, whether or not everything closed. */
  readonly shutdownTimeoutMs: number;
  /** Where a processor run alone answers `/health`, `/ready` and `/metrics` (runtime/ops-server.ts). */
  readonly opsHost: string;
  readonly opsPort: number;
  readonly opsReadyTimeoutMs: number;
}

export interface EdgeConfig {
  readonly enabled: boolean;
  readonly host: string;
  readonly port: number;
  /** When set, write endpoints require the header `x-api-key` with this value. */
  readonly apiKey: string;
  readonly rateLimitPerMinute: number;
  readonly bodyLimitBytes: number;
  /** Ids per `POST /features/query`. */
  readonly maxQueryIds: number;
  /** Store reads in flight per `POST /features/query`, so one request cannot flood Cassandra. */
  readonly readConcurrency: number;
  /** How long `POST /sms` remembers an `Idempotency-Key`. */
  readonly idempotencyTtlSeconds: number;
  /** Time each dependency check of `GET /ready` gets before it counts as unreachable. */
  readonly readyTimeoutMs: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Live messages the drift of the models' inputs is measured over (edge/drift-monitor.ts); 0: off. */
  readonly driftWindow: number;
  /** The version whose verdict is the answer (models/champion.ts); '' = the best card F1 of those scored. */
  readonly champion: string;
  /** The pipeline's text limit (pipeline.maxTextBytes), so `POST /sms` rejects what would be dead-lettered. */
  readonly maxTextBytes: number;
}

/** Live quality per model version (the verdicts and quality processors, the edge's quality routes). */
export interface QualityConfig {
  readonly windowMs: number;
  readonly bucketMs: number;
}

/** Change data capture: the inbox table in PostgreSQL, read by Debezium in Kafka Connect. */
export interface CdcConfig {
  readonly enabled: boolean;
  readonly postgresUrl: string;
  /** When set, the password for PostgreSQL and Debezium instead of the URL's. */
  readonly postgresPassword: string;
  readonly connectUrl: string;
  /** PostgreSQL's host as Connect sees it, when that differs from the URL's (containers); '' = the URL's. */
  readonly databaseHost: string;
  /** PostgreSQL schema of `smss_by_users`; tests use one of their own. */
  readonly schema: string;
  readonly connector: string;
  /** Replication slot and publication name: each connector needs its own. */
  readonly slot: string;
}

export interface Config {
  readonly stack: StackConfig;
  readonly kafka: KafkaConfig;
  readonly registry: RegistryConfig;
  readonly cassandra: CassandraConfig;
  readonly topics: TopicsConfig;
  readonly pipeline: PipelineConfig;
  readonly edge: EdgeConfig;
  readonly cdc: CdcConfig;
  readonly quality: QualityConfig;
}

export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** `section.field` of every configuration value: the keys of the settings table (config/settings.ts). */
export type SettingKey = { [S in keyof Config]: `${S}.${keyof Config[S] & string}` }[keyof Config];
/** Values that are no setting of their own but copy another's, so each part reads only its slice. */
const DERIVED: Readonly<Partial<Record<SettingKey, SettingKey>>> = { 'edge.maxTextBytes': 'pipeline.maxTextBytes' };

/** Every key of Config is a setting of the table or derived from one: a missing setting fails to compile. */
type Unset = Exclude<SettingKey, TableKey | 'edge.maxTextBytes'>;
const everyFieldHasASetting: [Unset] extends [never] ? true : Unset = true;
void everyFieldHasASetting;

/**
 * Settings that hold secrets: given in the variable itself or, for mounted secrets, in a file
 * named by the variable plus `_FILE`; masked by `spamstream config` and in configuration errors.
 */
export const SECRET_SETTINGS: ReadonlySet<SettingKey> = new Set<SettingKey>([
  'kafka.saslPassword',
  'registry.password',
  'cassandra.password',
  'cdc.postgresPassword',
]);
const MASK = '********';

/** NAME, or the content of the file NAME_FILE (without its final newline). */
function readSecret(name: string, env: Env, problems: string[]): string | undefined {
  const file = env[`${name}_FILE`];
  if (file === undefined || file === '') return env[name];
  if (env[name]) {
    problems.push(`${name} and ${name}_FILE are both set: set one`);
    return env[name];
  }
  try {
    return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    problems.push(`${name}_FILE=${JSON.stringify(file)}: cannot read it (${reason})`);
    return undefined;
  }
}

/** A URL with its password replaced by the mask (postgres://app:********@db/inbox). */
export function maskUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.password) return url;
    parsed.password = MASK;
    return parsed.toString().replace(/\/$/, url.endsWith('/') ? '/' : '');
  } catch {
    return url;
  }
}

/** The PostgreSQL URL to connect with: SPAMSTREAM_POSTGRES_PASSWORD, when set, in place of the URL's own. */
export function postgresConnectionUrl(cdc: Pick<CdcConfig, 'postgresUrl' | 'postgresPassword'>): string {
  if (!cdc.postgresPassword) return cdc.postgresUrl;
  const url = new URL(cdc.postgresUrl);
  url.password = encodeURIComponent(cdc.postgresPassword);
  return url.toString();
}

/** The configuration as it may be shown: every secret, and any password inside a URL, masked. */
export function maskSecrets(config: Config): Config {
  const copy = JSON.parse(JSON.stringify(config)) as Record<string, Record<string, unknown>>;
  for (const key of SECRET_SETTINGS) {
    const [section, field] = key.split('.') as [string, string];
    if (copy[section]?.[field]) copy[section][field] = MASK;
  }
  copy.registry!.url = maskUrl(config.registry.url);
  copy.cdc!.postgresUrl = maskUrl(config.cdc.postgresUrl);
  copy.cdc!.connectUrl = maskUrl(config.cdc.connectUrl);
  return copy as unknown as Config;
}

/** Variables read outside the table on purpose: switches of the test runner, of one test, and the image's base. */
const OTHER_VARIABLES = [
  'SPAMSTREAM_SKIP_FAULTS',
  'SPAMSTREAM_SKIP_PYTHON',
  'SPAMSTREAM_SKIP_DEPLOY',
  'SPAMSTREAM_SCREENSHOT',
  'SPAMSTREAM_IMAGE_BASE',
];

/**
 * One warning for each SPAMSTREAM_* variable that is no setting, naming the closest one: a misspelt
 * variable would otherwise be ignored without a word.
 */
export function unknownVariables(env: Env): string[] {
  const settings = (SETTINGS as readonly SettingSpec[]).map((spec) => spec.env);
  const known = new Set([
    ...settings,
    ...[...SECRET_SETTINGS].map((key) => `${SETTINGS.find((spec) => spec.key === key)?.env}_FILE`),
    ...OTHER_VARIABLES,
  ]);
  return Object.keys(env)
    .filter((name) => name.startsWith('SPAMSTREAM_') && !known.has(name))
    .sort()
    .map((name) => {
      const closest = settings.reduce((best, candidate) =>
        editDistance(name, candidate) < editDistance(name, best) ? candidate : best,
      );
      return `${name} is not a setting; did you mean ${closest}? (npx spamstream config lists them all)`;
    });
}

/** Levenshtein distance: insertions, deletions and substitutions. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** Reads, validates and freezes the configuration. Throws one ConfigError listing every problem. */
export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): Config {
  const problems: string[] = [];
  const values = new Map<string, unknown>();
  const read = (spec: SettingSpec): unknown => {
    const secret = SECRET_SETTINGS.has(spec.key);
    const raw = secret ? readSecret(spec.env, env, problems) : env[spec.env];
    if (raw === undefined || raw === '') return spec.default(values, { cwd, home: homedir() });
    const parsed = spec.parse(raw);
    if (parsed instanceof Error) {
      problems.push(`${spec.env}=${secret ? MASK : JSON.stringify(raw)}: ${parsed.message}`);
      return spec.default(values, { cwd, home: homedir() });
    }
    return parsed;
  };
  for (const spec of SETTINGS) values.set(spec.key, read(spec));

  const endpointsOverridden = [
    'SPAMSTREAM_KAFKA_BROKERS',
    'SPAMSTREAM_SCHEMA_REGISTRY_URL',
    'SPAMSTREAM_CASSANDRA_CONTACT_POINTS',
    'SPAMSTREAM_POSTGRES_URL',
    'SPAMSTREAM_CONNECT_URL',
  ].some((name) => env[name] !== undefined && env[name] !== '');

  // The object is the table laid out by its keys: `section.field` lands at config[section][field].
  const sections: Record<string, Record<string, unknown>> = {};
  for (const spec of SETTINGS as readonly SettingSpec[]) {
    const [section, field] = spec.key.split('.') as [string, string];
    const value = values.get(spec.key);
    (sections[section] ??= {})[field] = spec.path ? resolve(cwd, value as string) : value;
  }
  const stack = sections.stack!;
  if (stack.mode === 'auto') stack.mode = endpointsOverridden ? 'external' : 'local';
  for (const [key, from] of Object.entries(DERIVED)) {
    const [section, field] = key.split('.') as [string, string];
    const [fromSection, fromField] = from.split('.') as [string, string];
    sections[section]![field] = sections[fromSection]![fromField];
  }
  const config = sections as unknown as Config;
  problems.push(...crossCheck(config));
  if (problems.length > 0) throw new ConfigError(problems);
  return deepFreeze(config);
}

/** Settings that must agree with one another. */
function crossCheck(config: Config): string[] {
  const problems: string[] = [];
  const { champion } = config.edge;
  const { models } = config.pipeline;
  // Only a version that is scored has verdicts to give; whether it exists is checked where models load.
  if (champion !== '' && models.length > 0 && !models.includes(champion))
    problems.push(
      `SPAMSTREAM_CHAMPION=${champion}: not among the versions scored (SPAMSTREAM_MODELS=${models.join(',')})`,
    );
  const { bucketMs, windowMs } = config.quality;
  if (bucketMs > windowMs)
    problems.push(
      `SPAMSTREAM_QUALITY_BUCKET_MS=${bucketMs} is wider than the window SPAMSTREAM_QUALITY_WINDOW_MS (${windowMs})`,
    );
  return problems;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
