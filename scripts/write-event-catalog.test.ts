import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { eventCatalog, eventTypes } from "../events/index.ts";
import { catalogFiles, generateEventCatalog } from "./write-event-catalog.ts";

const root = resolve(import.meta.dirname, "..");
const committed = (file: string) => readFileSync(resolve(root, file), "utf8");
const stale = "docs are stale: run npm run docs:events and commit the result";

describe("generated event catalog", () => {
  const generated = generateEventCatalog();

  it("matches the committed docs/event-catalog.json", () => {
    expect(generated.json === committed(catalogFiles.json), stale).toBe(true);
  });

  it("matches the committed docs/events.md", () => {
    expect(generated.markdown === committed(catalogFiles.markdown), stale).toBe(true);
  });

  it("holds every type with its version, description, writer and the versions it upcasts from", () => {
    const json = JSON.parse(generated.json) as {
      types: Record<string, { version: number; description: string; writer: string; upcastsFrom: number[] }>;
    };
    expect(Object.keys(json.types)).toEqual(eventTypes);
    for (const t of eventTypes) {
      expect(json.types[t]).toMatchObject({
        version: eventCatalog[t].v,
        description: eventCatalog[t].description,
      });
      expect(json.types[t]?.writer).toMatch(/^[a-z.<>]+$/);
    }
    expect(json.types.CandleClosed?.upcastsFrom).toEqual([1]);
    expect(generated.markdown).toContain("### CandleClosed\n\nVersion 2 (upcast from v1) · writer `feed`");
  });
});
