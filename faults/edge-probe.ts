// Reads of `GET /features/:id` at a steady rate while a scenario runs: the edge must keep answering
// with one Cassandra node of three down. Each request's latency counts from when it was due (an open
// loop), so a stall delays every request behind it instead of hiding them.
import { sleep } from './parts.ts';

export interface EdgeAnswer {
  /** When the request was due, epoch ms. */
  readonly at: number;
  readonly ms: number;
  readonly status: number;
}

export interface EdgeProbe {
  /** Stops sending and resolves with every answer once the last request is done. */
  stop(): Promise<EdgeAnswer[]>;
}

/** Requests `GET /features/<id>` for `ids` in turn, `rate` a second, until stopped. */
export function probeEdge(url: string, ids: readonly string[], rate: number): EdgeProbe {
  const answers: EdgeAnswer[] = [];
  const pending = new Set<Promise<void>>();
  let stopped = false;
  const loop = (async () => {
    const began = Date.now();
    for (let i = 0; !stopped; i += 1) {
      const due = began + (i * 1000) / rate;
      if (due > Date.now()) await sleep(due - Date.now());
      const request = fetch(`${url}/features/${encodeURIComponent(ids[i % ids.length]!)}`, {
        signal: AbortSignal.timeout(30_000),
      })
        .then(async (response) => {
          await response.arrayBuffer();
          return response.status;
        })
        .catch(() => 0)
        .then((status) => void answers.push({ at: due, ms: Date.now() - due, status }));
      pending.add(request);
      void request.finally(() => pending.delete(request));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      await Promise.all(pending);
      return answers;
    },
  };
}

/** The p-th percentile (0..1) of `values`, NaN when there are none. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}
