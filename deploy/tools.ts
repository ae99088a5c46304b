// The tools `npm run test:deploy` checks the chart and docker-compose.yml with, fetched once and
// cached beside the local servers' downloads (SPAMSTREAM_CACHE_DIR): Helm built from source through
// the Go module proxy, kubernetes-validate (the Kubernetes schemas, offline) and checkov (security
// policies) from PyPI in a venv of their own, and deploy/compose-check built with Go (Go's own
// build cache makes every later build instant).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../config/config.ts';

const HELM = 'helm.sh/helm/v4/cmd/helm@v4.3.2';
const PYTHON_TOOLS = ['kubernetes-validate==1.37.0', 'checkov==3.3.30'];

export interface DeployTools {
  readonly helm: string;
  readonly kubernetesValidate: string;
  readonly checkov: string;
  readonly composeCheck: string;
}

/** Runs a tool quietly; its output shows only when it fails. */
function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): void {
  const result = spawnSync(command, args, { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw new Error(`${command} could not run: ${result.error.message}`);
  if (result.status !== 0)
    throw new Error(
      `${command} ${args.join(' ')} failed (exit ${result.status}):\n${`${result.stdout}${result.stderr}`.slice(-4000)}`,
    );
}

export function deployTools(cacheDir: string = loadConfig().stack.cacheDir, log = console.log): DeployTools {
  const dir = join(cacheDir, 'tools');
  const bin = join(dir, 'bin');
  const venv = join(dir, 'venv');
  const tools = {
    helm: join(bin, 'helm'),
    kubernetesValidate: join(venv, 'bin', 'kubernetes-validate'),
    checkov: join(venv, 'bin', 'checkov'),
    composeCheck: join(bin, 'compose-check'),
  };
  if (!existsSync(tools.helm)) {
    log(`building ${HELM} (once; a few minutes)…`);
    mkdirSync(bin, { recursive: true });
    run('go', ['install', HELM], { ...process.env, GOBIN: bin });
  }
  if (!existsSync(tools.kubernetesValidate) || !existsSync(tools.checkov)) {
    log(`installing ${PYTHON_TOOLS.join(', ')} (once)…`);
    if (!existsSync(join(venv, 'bin', 'pip'))) run('python3', ['-m', 'venv', venv]);
    run(join(venv, 'bin', 'pip'), ['install', '--quiet', ...PYTHON_TOOLS]);
  }
  run('go', ['-C', join(import.meta.dirname, 'compose-check'), 'build', '-o', tools.composeCheck, '.']);
  return tools;
}
