// `npm run test:deploy`: the Helm chart and the Dockerfile checked without a cluster. The chart
// lints, renders with autoscaling off and on, and what it renders is valid against the Kubernetes
// schemas of a pinned version (kubernetes-validate) and KEDA's models; each processor scales on the
// consumer group and topic the topology gives it; every pod is probed, unprivileged and given more
// grace than the shutdown deadline; and no policy check (checkov) fails but the ones
// deploy/checkov.yaml leaves failing with its reason.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loadConfig } from '../../config/config.ts';
import { type DeployTools, deployTools } from '../../deploy/tools.ts';
import { processorSpecs } from '../../topology/graph.ts';

const root = join(import.meta.dirname, '..', '..');
const chart = join(root, 'deploy', 'helm', 'spamstream');
const KUBERNETES = '1.33.0';
const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

interface Manifest {
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  // biome-ignore lint/suspicious/noExplicitAny: a rendered spec, read field by field; the schemas check its shape
  spec?: Record<string, any>;
  data?: Record<string, string>;
}

let tools: DeployTools;
beforeAll(() => {
  tools = deployTools();
});

function exec(command: string, args: readonly string[]) {
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  return result;
}

/** `helm template` of the chart with `--set` values; the text, or the failure's message. */
function template(values: Record<string, string | number | boolean> = {}) {
  const sets = Object.entries(values).flatMap(([key, value]) => ['--set', `${key}=${value}`]);
  const result = exec(tools.helm, ['template', 'rel', chart, '--namespace', 'spamstream', ...sets]);
  return { ok: result.status === 0, text: result.stdout, error: result.stderr };
}

function render(values: Record<string, string | number | boolean> = {}): { text: string; manifests: Manifest[] } {
  const rendered = template(values);
  expect(rendered.error).toBe('');
  const manifests = parseAllDocuments(rendered.text)
    .map((doc) => doc.toJS() as Manifest | null)
    .filter((m): m is Manifest => m !== null);
  return { text: rendered.text, manifests };
}

const named = (manifests: Manifest[], kind: string) =>
  manifests
    .filter((m) => m.kind === kind)
    .map((m) => m.metadata.name)
    .sort();

function validateKubernetes(text: string): void {
  const dir = mkdtempSync(join(tmpdir(), 'spamstream-chart-'));
  const file = join(dir, 'rendered.yaml');
  writeFileSync(file, text);
  const result = exec(tools.kubernetesValidate, ['--strict', '-k', KUBERNETES, file]);
  expect(result.status, `${result.stdout}${result.stderr}`).toBe(0);
  expect(`${result.stdout}${result.stderr}`).not.toMatch(/ERROR|failed/i);
}

const AUTOSCALED = { 'autoscaling.enabled': true, 'parts.cdc.enabled': true, 'metrics.serviceMonitor.enabled': true };

describe('the Helm chart', () => {
  it('lints, strictly, with autoscaling off and on', () => {
    for (const sets of [[], Object.entries(AUTOSCALED).flatMap(([k, v]) => ['--set', `${k}=${v}`])]) {
      const result = exec(tools.helm, ['lint', '--strict', chart, ...sets]);
      expect(result.status, result.stdout + result.stderr).toBe(0);
    }
  });

  it('renders a Deployment, PodDisruptionBudget and NetworkPolicy per part, and no ScaledObject with autoscaling off', () => {
    const { text, manifests } = render();
    const parts = [
      'rel-spamstream-edge',
      'rel-spamstream-features',
      'rel-spamstream-quality',
      'rel-spamstream-scoring',
      'rel-spamstream-verdicts',
    ];
    expect(named(manifests, 'Deployment')).toEqual(parts);
    expect(named(manifests, 'PodDisruptionBudget')).toEqual(parts);
    expect(named(manifests, 'NetworkPolicy')).toEqual(parts);
    expect(named(manifests, 'Service')).toEqual([
      'rel-spamstream-edge',
      'rel-spamstream-features-metrics',
      'rel-spamstream-quality-metrics',
      'rel-spamstream-scoring-metrics',
      'rel-spamstream-verdicts-metrics',
    ]);
    expect(named(manifests, 'Job')).toEqual(['rel-spamstream-topology']);
    expect(named(manifests, 'ScaledObject')).toEqual([]);
    for (const d of manifests.filter((m) => m.kind === 'Deployment')) expect(d.spec!.replicas).toBeGreaterThan(0);
    expect(manifests.every((m) => m.metadata.namespace === 'spamstream')).toBe(true);
    validateKubernetes(text);
  });

  it('probes every part, runs it unprivileged, and gives it more grace than its shutdown deadline', () => {
    const { manifests } = render({ 'parts.cdc.enabled': true });
    const deployments = manifests.filter((m) => m.kind === 'Deployment');
    expect(deployments).toHaveLength(6);
    for (const d of deployments) {
      const pod = d.spec!.template.spec;
      const [container] = pod.containers;
      const part = d.metadata.name.replace('rel-spamstream-', '');
      const port = part === 'edge' ? 8080 : 9464;
      expect(container.args).toEqual(['run', part]);
      expect(container.livenessProbe.httpGet).toEqual({ path: '/health', port });
      expect(container.readinessProbe.httpGet).toEqual({ path: '/ready', port });
      expect(container.ports).toEqual([expect.objectContaining({ containerPort: port })]);
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001 });
      expect(container.securityContext).toMatchObject({
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
      });
      expect(container.resources.limits.memory).toBeDefined();
      const deadline = container.env.find((e: { name: string }) => e.name === 'SPAMSTREAM_SHUTDOWN_TIMEOUT_MS');
      expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThan(Number(deadline.value));
    }
  });

  it('scales each processor on the consumer group and input topics the topology gives it, within its partitions', () => {
    const settings = {
      SPAMSTREAM_GROUP_PREFIX: 'prod',
      SPAMSTREAM_TOPIC_RAW: 'inbox.raw',
      SPAMSTREAM_TOPIC_PARTITIONS: '12',
    };
    const { text, manifests } = render({
      ...AUTOSCALED,
      'autoscaling.maxReplicas': 12,
      ...Object.fromEntries(Object.entries(settings).map(([k, v]) => [`settings.${k}`, v])),
    });
    const wiring = processorSpecs(loadConfig({ ...settings, SPAMSTREAM_CDC: 'on' }));
    const scaled = manifests.filter((m) => m.kind === 'ScaledObject');
    expect(scaled.map((s) => s.spec!.scaleTargetRef.name).sort()).toEqual(
      wiring.map((p) => `rel-spamstream-${p.name}`).sort(),
    );
    for (const object of scaled) {
      new ScaledObject(object as never).validate();
      const processor = wiring.find((p) => object.metadata.name === `rel-spamstream-${p.name}`)!;
      expect(object.spec!.maxReplicaCount).toBe(12);
      expect(object.spec!.triggers).toEqual(
        processor.inputs.map((topic) => ({
          type: 'kafka',
          metadata: expect.objectContaining({
            consumerGroup: processor.groupId,
            topic,
            bootstrapServers: expect.any(String),
          }),
        })),
      );
    }
    // KEDA owns the processors' replicas; the edge keeps its own.
    const replicas = Object.fromEntries(
      manifests.filter((m) => m.kind === 'Deployment').map((d) => [d.metadata.name, d.spec!.replicas]),
    );
    expect(replicas).toEqual({
      'rel-spamstream-cdc': undefined,
      'rel-spamstream-features': undefined,
      'rel-spamstream-scoring': undefined,
      'rel-spamstream-verdicts': undefined,
      'rel-spamstream-quality': undefined,
      'rel-spamstream-edge': 2,
    });
    expect(named(manifests, 'ServiceMonitor')).toEqual(['rel-spamstream']);
    validateKubernetes(text);
  });

  it('refuses more replicas than partitions, and settings that are no spamstream variable', () => {
    const tooMany = template({ 'autoscaling.enabled': true, 'autoscaling.maxReplicas': 7 });
    expect(tooMany.ok).toBe(false);
    expect(tooMany.error).toContain('autoscaling.maxReplicas (7) is above the 6 partitions');
    const stray = template({ 'settings.KAFKA_BROKERS': 'x:9092' });
    expect(stray.ok).toBe(false);
    expect(stray.error).toContain('settings.KAFKA_BROKERS: settings are SPAMSTREAM_* variables');
  });

  it('puts the settings in the ConfigMap, and secrets in files named by the _FILE variables', () => {
    const { manifests } = render({
      'settings.SPAMSTREAM_TOPIC_PARTITIONS': 12,
      'secretFiles.SPAMSTREAM_CASSANDRA_PASSWORD.secretName': 'cassandra',
      'secretFiles.SPAMSTREAM_CASSANDRA_PASSWORD.key': 'password',
    });
    const [configMap] = manifests.filter((m) => m.kind === 'ConfigMap');
    expect(configMap!.data).toMatchObject({ SPAMSTREAM_TOPIC_PARTITIONS: '12' });
    // What the application makes of the ConfigMap: the table validates it, as at start.
    expect(loadConfig(configMap!.data).topics.partitions).toBe(12);
    for (const m of manifests.filter((x) => x.kind === 'Deployment' || x.kind === 'Job')) {
      const pod = m.spec!.template.spec;
      const [container] = pod.containers;
      const path = '/var/run/secrets/spamstream/SPAMSTREAM_CASSANDRA_PASSWORD';
      expect(container.env).toContainEqual({ name: 'SPAMSTREAM_CASSANDRA_PASSWORD_FILE', value: path });
      expect(container.volumeMounts).toContainEqual(expect.objectContaining({ mountPath: path, subPath: 'password' }));
      expect(pod.volumes).toContainEqual(expect.objectContaining({ secret: { secretName: 'cassandra' } }));
    }
  });

  it('passes every policy check (checkov) of the rendered chart and the Dockerfile but those skipped with a reason', () => {
    const { text } = render({ ...AUTOSCALED, 'image.digest': DIGEST });
    const dir = mkdtempSync(join(tmpdir(), 'spamstream-policy-'));
    writeFileSync(join(dir, 'rendered.yaml'), text);
    const result = exec(tools.checkov, [
      '--config-file',
      join(root, 'deploy', 'checkov.yaml'),
      '--file',
      join(dir, 'rendered.yaml'),
      '--file',
      join(root, 'Dockerfile'),
      '--output',
      'json',
      '--quiet',
      '--skip-download',
    ]);
    const reports = [JSON.parse(result.stdout)].flat() as {
      check_type: string;
      results: { failed_checks: { check_id: string; resource: string }[] };
      summary: { passed: number; failed: number };
    }[];
    expect(reports.map((r) => r.check_type).sort()).toEqual(['dockerfile', 'kubernetes']);
    for (const report of reports) {
      expect(report.results.failed_checks.map((c) => `${c.check_id} ${c.resource}`)).toEqual([]);
      expect(report.summary.passed).toBeGreaterThan(20);
    }
  });
});
