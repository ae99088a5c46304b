// Tests wait for what they check, never for a fixed time: poll a condition until it holds, and fail
// naming what never happened when the deadline passes.

export interface WaitOptions {
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
}

export async function waitUntil(
  what: string,
  condition: () => boolean | Promise<boolean>,
  { timeoutMs = 60_000, intervalMs = 100 }: WaitOptions = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
