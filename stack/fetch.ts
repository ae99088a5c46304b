// Server jars come from Maven Central, the one place all three servers publish to. Each fetch lands
// in `cacheDir/<name>-<version>/` through a temporary folder renamed at the end, so a folder that
// exists is complete, and every later start reads it without touching the network.
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runToLog } from './process.ts';

/** Pinned so that the goal's behaviour does not depend on the Maven version installed. */
export const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.6.1';

/**
 * Some server poms name extra repositories that this network cannot reach; Maven would wait on each.
 * Blocking every repository but Central makes Maven ask Central alone, without naming any host.
 */
export const MAVEN_SETTINGS = `<settings>
  <mirrors>
    <mirror>
      <id>central-only</id>
      <mirrorOf>*,!central</mirrorOf>
      <url>http://0.0.0.0/</url>
      <blocked>true</blocked>
    </mirror>
  </mirrors>
</settings>
`;

/** A throw-away pom whose only purpose is to list `group:artifact:version` dependencies to copy. */
export function fetchPom(name: string, coordinates: readonly string[]): string {
  const dependencies = coordinates.map((coordinate) => {
    const [groupId, artifactId, version, ...rest] = coordinate.split(':');
    if (!groupId || !artifactId || !version || rest.length > 0)
      throw new Error(`expected group:artifact:version, got ${coordinate}`);
    return `    <dependency><groupId>${groupId}</groupId><artifactId>${artifactId}</artifactId><version>${version}</version></dependency>`;
  });
  return `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.spamstream.stack</groupId>
  <artifactId>fetch-${name}</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
${dependencies.join('\n')}
  </dependencies>
</project>
`;
}

export type Log = (line: string) => void;

/** Fills `dir` once by `fill(tmp)`; a half-finished earlier attempt is thrown away first. */
export async function once(dir: string, what: string, log: Log, fill: (tmp: string) => Promise<void>): Promise<string> {
  if (existsSync(dir)) return dir;
  const tmp = `${dir}.partial`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  log(`fetching ${what} (first start only)…`);
  const started = Date.now();
  await fill(tmp);
  await rename(tmp, dir);
  log(`fetched ${what} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return dir;
}

/** Runs a goal of the pinned dependency plugin in `tmp` (on its pom.xml, where the goal needs one), Central alone asked. */
async function dependencyPlugin(tmp: string, goal: string, options: readonly string[]): Promise<void> {
  await writeFile(join(tmp, 'settings.xml'), MAVEN_SETTINGS);
  await runToLog('mvn', ['-B', '-q', '-s', 'settings.xml', `${DEPENDENCY_PLUGIN}:${goal}`, ...options], {
    cwd: tmp,
    logFile: join(tmp, 'fetch.log'),
  });
}

/** Where mavenLibs puts the class path named `name`. */
export const mavenLibsDir = (cacheDir: string, name: string): string => join(cacheDir, name, 'libs');

/** Copies the runtime class path of `coordinates` into `cacheDir/<name>/libs`; returns that folder. */
export async function mavenLibs(
  cacheDir: string,
  name: string,
  coordinates: readonly string[],
  log: Log,
): Promise<string> {
  await once(join(cacheDir, name), `${name} from Maven Central`, log, async (tmp) => {
    await writeFile(join(tmp, 'pom.xml'), fetchPom(name, coordinates));
    await dependencyPlugin(tmp, 'copy-dependencies', ['-DincludeScope=runtime', '-DoutputDirectory=libs']);
  });
  return mavenLibsDir(cacheDir, name);
}

/** Unpacks an attached archive (`group:artifact:version:type:classifier`) into `cacheDir/<name>/dist`. */
export async function mavenArchive(cacheDir: string, name: string, artifact: string, log: Log): Promise<string> {
  const dir = await once(join(cacheDir, name), `${name} from Maven Central`, log, async (tmp) => {
    await dependencyPlugin(tmp, 'unpack', [`-Dartifact=${artifact}`, '-DoutputDirectory=dist']);
  });
  return join(dir, 'dist');
}

/** Installs one PyPI package (no dependencies) into `cacheDir/<name>/site`; returns that folder. */
export async function pipPackage(cacheDir: string, name: string, requirement: string, log: Log): Promise<string> {
  const dir = await once(join(cacheDir, name), `${requirement} from PyPI`, log, async (tmp) => {
    await runToLog(
      'python3',
      [
        '-m',
        'pip',
        'install',
        '--no-deps',
        '--no-input',
        '--disable-pip-version-check',
        '--quiet',
        '--root-user-action=ignore',
        '--target',
        join(tmp, 'site'),
        requirement,
      ],
      { cwd: tmp, logFile: join(tmp, 'fetch.log') },
    );
  });
  return join(dir, 'site');
}
