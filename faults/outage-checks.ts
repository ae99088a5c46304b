// Checks shared by the outage scenarios (Cassandra, registry): what `GET /ready` says, and whether
// the consumer groups committed anything while a dependency was away.
import type { Harness } from './harness.ts';
import { sleep } from './parts.ts';

/** The edge's base URL, from the line `run edge` prints. */
export async function edgeUrl(h: Harness): Promise<string> {
  const edge = await h.parts.startRunning('edge');
  const line = await h.parts.waitForLog(edge, /edge listening on (\S+)/);
  return line.replace('edge listening on ', '');
}

export async function ready(url: string): Promise<{ status: number; message: string }> {
  try {
    const response = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(10_000) });
    const body = (await response.json()) as { message?: string; status?: string };
    return { status: response.status, message: body.message ?? body.status ?? '' };
  } catch (error) {
    return { status: 0, message: (error as Error).message };
  }
}

/** Polls `/ready` every second while `during` runs; returns every answer. */
export async function watchReady(
  url: string,
  during: Promise<unknown>,
): Promise<{ status: number; message: string }[]> {
  const seen: { status: number; message: string }[] = [];
  let done = false;
  void during.finally(() => (done = true));
  while (!done) {
    seen.push(await ready(url));
    await sleep(1_000);
  }
  return seen;
}

/** Waits until `/ready` answers 200; returns the seconds it took. */
export async function waitReady(url: string, timeoutMs = 180_000): Promise<number | undefined> {
  const begin = Date.now();
  while (Date.now() - begin < timeoutMs) {
    if ((await ready(url)).status === 200) return (Date.now() - begin) / 1000;
    await sleep(500);
  }
  return undefined;
}

/** Committed offsets of both processor groups on their inputs, as one comparable string. */
export async function committed(h: Harness): Promise<string> {
  const { topics, pipeline } = h.config;
  const groups: [string, string][] = [
    [`${pipeline.consumerGroupPrefix}.features`, topics.raw],
    [`${pipeline.consumerGroupPrefix}.scoring`, topics.features],
  ];
  const parts = await Promise.all(
    groups.map(async ([group, topic]) => {
      const offsets = await h.messaging.committedOffsets(group, topic);
      return `${topic}:${[...offsets]
        .sort(([a], [b]) => a - b)
        .map(([p, o]) => `${p}@${o}`)
        .join(',')}`;
    }),
  );
  return parts.join(' ');
}
