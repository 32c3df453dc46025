import { afterAll, describe, expect, it } from "vitest";
import { createEmbeddedEventLog } from "../../events/index.ts";
import { readModelHash } from "../rebuild/read-model-dump.ts";
import { versionSchema } from "../schema/read-model-layout.ts";
import { closeReadModelDatabases, readModelDatabases } from "../testing/read-model-databases.ts";
import { appendEvents, buildSessionEvents } from "../testing/session-events.ts";
import { createProjector } from "./projector.ts";

afterAll(closeReadModelDatabases);

describe.each(readModelDatabases)("projector on $engine", (database) => {
  it("projects a session and skips what it has already applied", async () => {
    const rm = await database.open();
    try {
      const log = createEmbeddedEventLog();
      await appendEvents(log, buildSessionEvents({ sessionId: "s1", bars: 30 }));
      const projector = createProjector({ db: rm.db, layout: rm.layout, log, batchSize: 50 });
      const totals = await projector.catchUp();
      expect(totals.applied).toBe(log.size);
      const schema = versionSchema(rm.layout.namespace, 1);
      const before = await readModelHash(rm.db, schema);
      const again = createProjector({ db: rm.db, layout: rm.layout, log });
      expect((await again.catchUp()).applied).toBe(0);
      expect(await readModelHash(rm.db, schema)).toBe(before);
      const decisions = await rm.read
        .selectFrom("decisions")
        .select((eb) => eb.fn.countAll().as("n"))
        .executeTakeFirstOrThrow();
      expect(Number(decisions.n)).toBe(30);
    } finally {
      await rm.dispose();
    }
  });
});
