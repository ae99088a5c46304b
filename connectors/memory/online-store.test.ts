import { describeOnlineStoreContract } from '../online-store.contract.ts';
import { createMemoryStores } from './online-store.ts';

let clock = Date.UTC(2026, 0, 1);

describeOnlineStoreContract('memory', async () => ({
  ...createMemoryStores({ now: () => clock }),
  elapse: async (seconds) => {
    clock += seconds * 1000;
  },
}));
