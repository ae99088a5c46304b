// Setup file of the integration project: its tests drive kafkajs in the test process itself, which
// would print kafkajs's harmless negative-timer warning (runtime/warnings.ts) dozens of times a run,
// as the CLI, the benchmarks and the fault suite do not.
import { dropKafkajsTimerWarnings } from '../runtime/warnings.ts';

dropKafkajsTimerWarnings();
