import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEmbeddedEventLog } from "./embedded-event-log.ts";
import { eventLogContract } from "./event-log-contract.ts";

eventLogContract("embedded, in memory", async () => {
  const log = createEmbeddedEventLog({ root: "tmem" });
  return { log, dispose: () => log.close() };
});

eventLogContract("embedded, with a file", async () => {
  const dir = mkdtempSync(join(tmpdir(), "cf-embedded-"));
  const log = createEmbeddedEventLog({ root: "tfile", file: join(dir, "events.jsonl") });
  return {
    log,
    dispose: async () => {
      await log.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
