// The price of exactly-once: the pipeline (bench/pipeline.ts, processors as processes) in each
// delivery mode, interleaved so that a busy moment of the machine does not favour one mode.
//   node bench/delivery-cost.ts [--messages 5000] [--rounds 2] [--data ../shared/data/sms_labeled.csv]
import { parseArgs } from 'node:util';
import { pipelineBench } from './pipeline.ts';
import { DEFAULT_DATA, readTexts } from './support.ts';

const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '5000' },
    rounds: { type: 'string', default: '2' },
    data: { type: 'string', default: DEFAULT_DATA },
  },
});
const texts = await readTexts(args.data);
const results: Record<string, number[]> = { 'exactly-once': [], 'at-least-once': [] };
for (let round = 1; round <= Number(args.rounds); round += 1) {
  for (const delivery of Object.keys(results)) {
    const figures = await pipelineBench(texts, {
      messages: Number(args.messages),
      rate: 200,
      seconds: 10,
      env: { SPAMSTREAM_DELIVERY: delivery },
    });
    results[delivery]!.push(figures.msgsPerSecond);
    console.log(
      `round ${round} ${delivery}: backlog ${Math.round(figures.msgsPerSecond)} messages/s, at 200 messages/s p50 ${figures.e2eP50} ms p99 ${figures.e2eP99} ms`,
    );
  }
}
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const [eos, alo] = [mean(results['exactly-once']!), mean(results['at-least-once']!)];
console.log(
  `exactly-once ${Math.round(eos)} messages/s, at-least-once ${Math.round(alo)} messages/s: exactly-once runs at ${(eos / alo).toFixed(2)} × at-least-once`,
);
