import { afterAll, describe, expect, it } from "vitest";
import { createEmbeddedEventLog } from "../../events/index.ts";
import { createProjector } from "../projector/projector.ts";
import { listDecisions } from "../read/decisions-query.ts";
import { liveVersion, versionSchema } from "../schema/read-model-layout.ts";
import { closeReadModelDatabases, readModelDatabases } from "../testing/read-model-databases.ts";
import { appendEvents, buildSessionEvents } from "../testing/session-events.ts";
import { readModelHash } from "./read-model-dump.ts";
import { rebuildReadModel } from "./rebuild-read-model.ts";

afterAll(closeReadModelDatabases);

describe.each(readModelDatabases)("rebuild on $engine", (database) => {
  it("builds a new version while the live one serves and is written, switches atomically, equals incremental", async () => {
    const rm = await database.open();
    const log = createEmbeddedEventLog();
    try {
      await appendEvents(log, buildSessionEvents({ sessionId: "r1", bars: 25, poison: true }));
      const live = createProjector({ db: rm.db, layout: rm.layout, log, batchSize: 20 });
      const running = live.run();
      // Readers keep getting answers from the live version while the rebuild runs.
      let reads = 0;
      let reading = true;
      const reader = (async () => {
        while (reading) {
          await listDecisions(rm.read, { sessionId: "r1", limit: 1 });
          reads++;
          await new Promise((r) => setTimeout(r, 5));
        }
      })();
      const more = appendEvents(log, buildSessionEvents({ sessionId: "r2", bars: 10, seed: 3 }));
      const result = await rebuildReadModel({ db: rm.db, layout: rm.layout, log, batchSize: 15 });
      await more;
      expect(result).toMatchObject({ previousVersion: 1, version: 2, droppedVersions: [] });
      expect(await liveVersion(rm.db, rm.layout)).toBe(2);
      // The live projector follows the switch and finishes the tail in the new version.
      const tail = log.size;
      for (let i = 0; i < 400 && live.totals.lastSeq < tail; i++) await new Promise((r) => setTimeout(r, 25));
      await live.stop();
      await running;
      reading = false;
      await reader;
      expect(reads).toBeGreaterThan(0);
      expect((await listDecisions(rm.read, { sessionId: "r2" })).total).toBe(10);
      // Incremental result: the old version, brought to the same tail, must hash the same.
      await createProjector({ db: rm.db, layout: rm.layout, log, version: 1 }).catchUp();
      const rebuilt = await readModelHash(rm.db, versionSchema(rm.layout.namespace, 2));
      expect(await readModelHash(rm.db, versionSchema(rm.layout.namespace, 1))).toBe(rebuilt);

      const again = await rebuildReadModel({ db: rm.db, layout: rm.layout, log, name: "read-model" });
      expect(again).toMatchObject({ previousVersion: 2, version: 3, droppedVersions: [1] });
      expect(await readModelHash(rm.db, versionSchema(rm.layout.namespace, 3))).toBe(rebuilt);
      await expect(rebuildReadModel({ db: rm.db, layout: rm.layout, log, name: "nope" })).rejects.toThrow(
        /no projection/,
      );
    } finally {
      await log.close();
      await rm.dispose();
    }
  });
});
