import type { SeededRandom } from "./seeded-random.ts";

/** Tone of a synthetic headline. Each template is checked in tests to score with that sign under the AFINN lexicon. */
export type HeadlineTone = "positive" | "negative" | "neutral";

const companies = ["Northwind Capital", "Helix Asset Management", "Orbit Payments", "Bluefin Treasury"];
const exchanges = ["ExampleX", "CoinHarbor", "BitMarket"];

type Fill = { price: string; amount: string; company: string; exchange: string };

/** Headline templates by tone (fictional companies and exchanges: this is synthetic news). */
export const headlineTemplates: Readonly<Record<HeadlineTone, readonly ((f: Fill) => string)[]>> = {
  positive: [
    (f) => `Bitcoin rallies above ${f.price} as institutional interest grows strongly`,
    (f) => `${f.company} announces ${f.amount} million Bitcoin purchase, investors optimistic`,
    () => "Bitcoin ETF inflows hit record high, analysts see strong gains ahead",
    (f) => `BTC breaks out to ${f.price} in a great week for crypto bulls`,
    () => "Regulators in a G20 country approve clear crypto rules, boosting adoption",
    () => "Bitcoin network hashrate hits all-time high as confidence improves",
    () => "Bitcoin miners report record profits as price climbs",
    () => "BTC short squeeze sends price higher, traders celebrate",
  ],
  negative: [
    (f) => `Bitcoin crashes below ${f.price} as panic selling spreads`,
    (f) => `Hackers steal ${f.amount} million from ${f.exchange} exchange in major breach`,
    () => "A G20 country bans crypto trading, Bitcoin drops sharply on the bad news",
    () => "BTC plunges as liquidations mount and fear grips the market",
    (f) => `SEC lawsuit against ${f.exchange} rattles crypto investors`,
    () => "Bitcoin slumps as miners dump coins amid heavy losses",
    (f) => `Crypto lender ${f.company} collapses, customers fear fraud`,
  ],
  neutral: [
    (f) => `Bitcoin trades near ${f.price} ahead of the Fed decision`,
    (f) => `${f.exchange} lists new BTC trading pairs`,
    (f) => `Bitcoin holds steady near ${f.price} as volumes thin out`,
  ],
};

/** A headline of the given tone about a market near `price`. */
export function syntheticHeadline(rng: SeededRandom, tone: HeadlineTone, price: number): string {
  const step = tone === "negative" ? Math.floor(price / 1000) : Math.ceil(price / 1000);
  const fill: Fill = {
    price: String(Math.max(1, step) * 1000).replace(/\B(?=(\d{3})+(?!\d))/g, ","),
    amount: String(rng.int(5, 60) * 10),
    company: rng.pick(companies),
    exchange: rng.pick(exchanges),
  };
  return rng.pick(headlineTemplates[tone])(fill);
}
