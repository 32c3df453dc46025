import { expect } from "vitest";
import {
  type AnyEvent,
  type AnyEventDraft,
  type EventData,
  type EventType,
  eventCatalog,
} from "../../events/index.ts";
import { type ActorSpec, createMachineDriver, type MachineDriver } from "../runtime/machine-driver.ts";

let seq = 0;

/** Builds a stored event for a spec (ids and sequences are synthetic; at defaults to the epoch). */
export function stored<T extends EventType>(
  type: T,
  data: EventData<T>,
  at = "2024-01-01T00:00:00.000Z",
  extra: Partial<Pick<AnyEvent, "sessionId" | "writer" | "id" | "causationId" | "correlationId">> = {},
): AnyEvent {
  seq += 1;
  const id = extra.id ?? `spec-${seq}`;
  return {
    id,
    type,
    v: eventCatalog[type].v,
    sessionId: extra.sessionId ?? "spec",
    subject: `cf.${extra.sessionId ?? "spec"}.${extra.writer ?? "feed"}`,
    seq,
    at,
    recordedAt: at,
    correlationId: extra.correlationId ?? id,
    causationId: extra.causationId ?? null,
    writer: extra.writer ?? "feed",
    data,
  } as AnyEvent;
}

export interface DeciderThen {
  /** The drafts emitted for the `when` events, in order. */
  readonly outputs: AnyEventDraft[];
  /** Asserts the outputs match (deep partial match, in order: any subset of each draft's fields, nested). */
  then(expected: readonly object[] | ((outputs: AnyEventDraft[]) => void)): DeciderThen;
  /** The driver, for inspecting context after the `when`. */
  readonly driver: MachineDriver;
}

/**
 * given / when / then for every machine: `given` events are folded first (their outputs ignored), then the outputs
 * of the `when` events are what the spec is about.
 */
export function deciderSpec(spec: ActorSpec) {
  return {
    given(...history: AnyEvent[]) {
      return {
        when(...events: AnyEvent[]): DeciderThen {
          const driver = createMachineDriver(spec);
          for (const e of history) driver.feed(e);
          const outputs = events.flatMap((e) => driver.feed(e));
          const result: DeciderThen = {
            outputs,
            driver,
            then(expected) {
              if (typeof expected === "function") expected(outputs);
              else {
                expect(outputs).toHaveLength(expected.length);
                expected.forEach((x, i) => {
                  expect(outputs[i]).toMatchObject(x as object);
                });
              }
              return result;
            },
          };
          return result;
        },
      };
    },
  };
}
