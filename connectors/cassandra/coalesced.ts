// Reads started together share one socket write of the driver (see below).
/**
 * `fn`, with the calls made during one turn of the event loop started together in the next check
 * phase. Requests of many HTTP clients arrive as separate I/O callbacks, and the driver writes
 * what was queued within one tick as one socket write: started one by one, every read paid its own
 * write system call, the edge's largest cost under load (`--cpu-prof`); started together, they
 * share one.
 */
export function coalesced<A extends unknown[], R>(fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  const start = perTurn<() => void>((starts) => {
    for (const begin of starts) begin();
  });
  return (...args) =>
    new Promise<R>((resolve, reject) =>
      start(() => {
        // A function that throws before returning a promise must not stop the starts after it.
        try {
          fn(...args).then(resolve, reject);
        } catch (error) {
          reject(error);
        }
      }),
    );
}

/** Gathers the items given during one turn of the event loop and hands them to `flush` together, in the next check phase. */
export function perTurn<T>(flush: (items: T[]) => void): (item: T) => void {
  let queued: T[] | undefined;
  return (item) => {
    if (!queued) {
      queued = [];
      setImmediate(() => {
        const items = queued!;
        queued = undefined;
        flush(items);
      });
    }
    queued.push(item);
  };
}
