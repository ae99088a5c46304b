// The cluster suite's global setup: the integration tests' own (start what is not running, stop only
// that afterwards), on the local cluster. SPAMSTREAM_STACK_NODES=3 is set before anything reads the
// configuration; a run told otherwise is refused rather than pointed at the single node.
import { setup as setupStack, teardown as teardownStack } from '../integration/global-setup.ts';

export async function setup(): Promise<void> {
  const asked = process.env.SPAMSTREAM_STACK_NODES;
  if (asked !== undefined && asked !== '' && asked !== '3')
    throw new Error(`the cluster suite runs on the local cluster: SPAMSTREAM_STACK_NODES is ${asked}, not 3`);
  process.env.SPAMSTREAM_STACK_NODES = '3';
  await setupStack();
}

export const teardown = teardownStack;
