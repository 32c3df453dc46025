// A child process for the kill -9 tests: appends batches of sample candles to an embedded log file, from where the
// file ends, until it is killed. After each append returns (written and fsynced) it prints `ack <lastSeq>`, so the
// parent knows which appends were acknowledged. Batch sizes are seeded: 1..maxBatch events.
// usage: node bin/run-ts.js events/testing/embedded-log-writer.ts <file> [seed] [maxBatch]
import { createEmbeddedEventLog } from "../log/embedded-event-log.ts";
import { sampleCandle } from "./sample-candle.ts";

const [file, seedArg = "1", maxBatchArg = "250"] = process.argv.slice(2);
if (file === undefined) throw new Error("usage: embedded-log-writer.ts <file> [seed] [maxBatch]");
const maxBatch = Number(maxBatchArg);
let seed = Number(seedArg);
const rand = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
};
const subject = "cf.s1.feed";
const log = createEmbeddedEventLog({ file });
let last = await log.lastSeq(subject);
process.stdout.write(`writing from ${last}\n`);
for (;;) {
  const n = 1 + Math.floor(rand() * maxBatch);
  const batch = Array.from({ length: n }, (_, k) => sampleCandle("cf", "s1", last + k));
  last = log.appendSync(subject, batch, { expectedLastSeq: last }).lastSeq;
  process.stdout.write(`ack ${last}\n`);
}
