// Readiness: each dependency a part needs answers within a short timeout. The edge's `/ready` and
// a processor's ops server (runtime/ops-server.ts) answer from the same checks.

/** One dependency that readiness checks; `check` rejects when it is unreachable. */
export interface HealthCheck {
  readonly name: string;
  check(): Promise<void>;
}

export interface CheckResult {
  readonly name: string;
  readonly ok: boolean;
  readonly ms: number;
  readonly error?: string;
}

export interface Readiness {
  readonly ready: boolean;
  readonly checks: readonly CheckResult[];
  /** What is down, for a 503's message; empty when ready. */
  readonly message: string;
}

export async function runCheck(check: HealthCheck, timeoutMs: number): Promise<CheckResult> {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([check.check(), timeout]);
    return { name: check.name, ok: true, ms: ms() };
  } catch (error) {
    // Only the message: a readiness answer says what is down, never how the code got there.
    const message = error instanceof Error ? error.message : String(error);
    return { name: check.name, ok: false, ms: ms(), error: message.split('\n')[0]!.slice(0, 200) };
  } finally {
    clearTimeout(timer);
  }
}

/** Every check at once; ready when all answered. */
export async function readiness(checks: readonly HealthCheck[], timeoutMs: number): Promise<Readiness> {
  const results = await Promise.all(checks.map((check) => runCheck(check, timeoutMs)));
  const failed = results.filter((check) => !check.ok);
  return {
    ready: failed.length === 0,
    checks: results,
    message: failed.length === 0 ? '' : `unreachable: ${failed.map((c) => `${c.name} (${c.error})`).join(', ')}`,
  };
}
