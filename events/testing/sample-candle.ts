import type { NewEvent, Writer } from "../envelope/event-envelope.ts";
import { createEvent } from "../factory/create-event.ts";

const minute = 60_000;
const epoch = Date.parse("2024-01-01T00:00:00.000Z");

/**
 * A valid CandleClosed for 1-minute bar `i` (from 2024-01-01) of `sessionId`, with a deterministic id: the fixture of
 * the event-log contract suite, the kill -9 test and the append benchmark.
 */
export function sampleCandle(
  root: string,
  sessionId: string,
  i: number,
  writer: Writer = "feed",
  recordedAt = "2024-06-01T00:00:00.000Z",
): NewEvent<"CandleClosed"> {
  const open = 100 + (i % 50);
  const at = (k: number) => new Date(epoch + k * minute).toISOString();
  return createEvent(
    { root, sessionId, writer, recordedAt },
    {
      type: "CandleClosed",
      at: at(i + 1),
      data: {
        symbol: "BTC/USDT",
        timeframe: "1m",
        openTime: at(i),
        closeTime: at(i + 1),
        open: `${open}.5`,
        high: `${open + 2}`,
        low: `${open - 1}`,
        close: `${open + 1}.25`,
        volume: "12.5",
        sourceBars: 1,
      },
    },
    null,
    i,
  );
}
