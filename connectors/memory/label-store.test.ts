import { describeLabelStoreContract } from '../label-store.contract.ts';
import { createMemoryLabelStore } from './label-store.ts';

describeLabelStoreContract('memory', async () => ({ labels: createMemoryLabelStore(), close: async () => {} }));
