// docker-compose.yml, every profile included, as Docker Compose reads it: compose-go (its loader)
// validates it against the compose specification and interpolates it (deploy/compose-check).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type DeployTools, deployTools } from '../../deploy/tools.ts';

const composeFile = join(import.meta.dirname, '..', '..', 'docker-compose.yml');
let tools: DeployTools;
beforeAll(() => {
  tools = deployTools();
});

const check = (file: string) => spawnSync(tools.composeCheck, [file], { encoding: 'utf8' });

describe('docker-compose.yml', () => {
  it('is valid against the compose specification, the app profile included', () => {
    const result = check(composeFile);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(Number(result.stdout.trim())).toBe(12);
  });

  it('is checked for real: a field the specification does not know is refused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spamstream-compose-'));
    const broken = join(dir, 'docker-compose.yml');
    writeFileSync(broken, readFileSync(composeFile, 'utf8').replace('  features:\n', '  features:\n    imagex: 1\n'));
    const result = check(broken);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('services.features.imagex');
  });
});
