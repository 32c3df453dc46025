import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compareDecimalStrings, orderBookToDraft } from "../../actors/index.ts";
import { eventCatalog } from "../../events/index.ts";
import { loadOrderBookFile, parseOrderBookText, unifiedSymbol } from "./order-book-file-loader.ts";

const shared = (name: string) => fileURLToPath(new URL(`../../../shared/data/${name}`, import.meta.url));

const ordered = (levels: readonly (readonly [string, string])[], dir: 1 | -1) =>
  levels.every(
    (l, i) =>
      i === 0 || dir * compareDecimalStrings((levels[i - 1] as readonly [string, string])[0], l[0]) < 0,
  );

describe("loadOrderBookFile", () => {
  it("reads tardis book_snapshot_25 rows into best-first books", async () => {
    const { books, report } = await loadOrderBookFile(shared("btcusdt-book25-snapshots.csv"));
    expect(report).toEqual({
      format: "tardis-book-snapshot",
      rows: 10,
      snapshots: 10,
      first: "2020-09-01T00:00:03.696Z",
      last: expect.any(String),
      sha256: "d3b40b6b35d3703ee40e67c60c96387179fe0bf4886e975361a87f4720fa0ea2",
    });
    const b = books[0];
    expect(b).toMatchObject({ symbol: "BTC/USDT", venue: "binance-futures", at: 1598918403696 });
    expect(b?.bids).toHaveLength(25);
    expect(b?.asks).toHaveLength(25);
    expect(b?.bids[0]).toEqual(["11657.07", "10.896"]);
    expect(b?.asks[0]).toEqual(["11657.08", "1.714"]);
    for (const book of books) {
      expect(ordered(book.bids, -1)).toBe(true);
      expect(ordered(book.asks, 1)).toBe(true);
      expect(() => eventCatalog.OrderBookSnapshot.schema.parse(orderBookToDraft(book).data)).not.toThrow();
    }
    expect(books.map((x) => x.at)).toEqual([...books.map((x) => x.at)].sort((x, y) => x - y));
  });

  it("reads a Binance depth snapshot (one row per level) into one book", async () => {
    const { books, report } = await loadOrderBookFile(shared("btcusdt-depth-snapshot.csv"));
    expect(report).toMatchObject({
      format: "binance-depth",
      rows: 100,
      snapshots: 1,
      first: "2022-11-01T23:49:39.146Z",
      sha256: "470ab6a3ced7da91c951db297a233f04546ed145cc63802a7507852c09f484bb",
    });
    const [b] = books;
    expect(b).toMatchObject({ symbol: "BTC/USDT", venue: "binance", at: 1667346579146 });
    expect(b?.bids).toHaveLength(100);
    expect(b?.asks).toHaveLength(0);
    expect(b?.bids[0]).toEqual(["20377", "1.77"]);
    expect(ordered(b?.bids ?? [], -1)).toBe(true);
  });

  it("sorts shuffled depth rows and groups snapshots by time", () => {
    const text = [
      "symbol,timestamp,first_update_id,last_update_id,side,update_type,price,qty,pu",
      "ETHUSDT,2000,1,1,a,snap,101.5,1,-1",
      "ETHUSDT,2000,1,1,b,snap,99,1,-1",
      "ETHUSDT,2000,1,1,a,snap,100.5,2,-1",
      "ETHUSDT,2000,1,1,b,snap,100,3,-1",
      "ETHUSDT,1000,0,0,b,snap,98,3,-1",
    ].join("\n");
    const { books } = parseOrderBookText(text, { venue: "binance-usdm" });
    expect(books.map((b) => b.at)).toEqual([1000, 2000]);
    expect(books[1]).toEqual({
      symbol: "ETH/USDT",
      venue: "binance-usdm",
      at: 2000,
      bids: [
        ["100", "3"],
        ["99", "1"],
      ],
      asks: [
        ["100.5", "2"],
        ["101.5", "1"],
      ],
    });
    expect(() => parseOrderBookText(text.replace("b,snap,99", "x,snap,99"))).toThrow(/neither b nor a/);
  });

  it("turns exchange symbols into unified ones", () => {
    expect(unifiedSymbol("BTCUSDT")).toBe("BTC/USDT");
    expect(unifiedSymbol("ethbtc")).toBe("ETH/BTC");
    expect(unifiedSymbol("BTC-USD")).toBe("BTC/USD");
    expect(() => unifiedSymbol("XYZ")).toThrow(/pass a symbol/);
  });
});
