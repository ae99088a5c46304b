// Where the shared labelled data set lives: beside the project, at ../shared/data/sms_labeled.csv
// (its README says so). Never a copy inside the project; tests, benchmarks and the fault suite read
// it from here, commands take its path.
import { join } from 'node:path';

export const PROJECT_ROOT = join(import.meta.dirname, '..');
export const DATA_CSV = join(PROJECT_ROOT, '..', 'shared', 'data', 'sms_labeled.csv');
