// Unit tests that start a process (node, npm, ps, docker) end when it does, but Node alone took 4-7 s
// to start on the 2-core machine under a load average of 25, past vitest's default of 5 s. Their
// timeout is this ceiling, not a wait.
export const SPAWNING_TEST_TIMEOUT_MS = 60_000;
