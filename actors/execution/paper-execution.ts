import { enqueueActions, setup } from "xstate";
import type { AnyEvent, AnyEventDraft, EventType } from "../../events/index.ts";
import type { ActorSpec } from "../runtime/machine-driver.ts";
import type { SessionSetup } from "../session/session-setup.ts";
import {
  createPaperVenueState,
  decidePaperVenue,
  type PaperVenueConfig,
  type PaperVenueState,
} from "./paper-venue.ts";

/** The inputs paper execution decides on (DESIGN §8, the `exec` writer). */
export const paperExecutionAccepts: readonly EventType[] = [
  "RiskApproved",
  "CandleClosed",
  "OrderBookSnapshot",
  "CommandAccepted",
  "MarketDataEnded",
];

/**
 * The paper execution machine: thin by design. Every decision is the pure `decidePaperVenue(state, event)`; the
 * machine keeps its state as context and emits its drafts.
 */
export const paperExecutionMachine = setup({
  types: {
    context: {} as PaperVenueState,
    input: {} as PaperVenueConfig,
    events: {} as AnyEvent,
    emitted: {} as AnyEventDraft,
  },
  actions: {
    decide: enqueueActions(({ context, event, enqueue }) => {
      const step = decidePaperVenue(context, event);
      if (step === null) return;
      if (step.state !== context) enqueue.assign(() => step.state);
      for (const draft of step.drafts) enqueue.emit(draft);
    }),
  },
}).createMachine({
  id: "paper-execution",
  context: ({ input }) => createPaperVenueState(input),
  on: { "*": { actions: "decide" } },
});

/** The venue configuration a session's setup implies. */
export function paperVenueConfig(setup: SessionSetup): PaperVenueConfig {
  const x = setup.strategy.execution;
  return {
    sessionId: setup.sessionId,
    symbol: setup.symbol,
    timeframe: setup.timeframe,
    quoteCurrency: setup.quoteCurrency,
    initialCash: setup.initialCash,
    fillModel: x.fillModel,
    allowShort: x.allowShort,
    entryOrderType: x.entryOrderType,
    limitOffsetBps: x.limitOffsetBps,
    params: {
      slippageBps: x.slippageBps,
      volumeImpactBps: x.volumeImpactBps,
      maxVolumeShare: x.maxVolumeShare,
      makerFeePct: x.makerFeePct,
      takerFeePct: x.takerFeePct,
      quantityDecimals: x.quantityDecimals,
      priceDecimals: x.priceDecimals,
    },
  };
}

/** The paper execution actor of a session (writer `exec`). */
export function createPaperExecutionSpec(setup: SessionSetup): ActorSpec<PaperVenueConfig> {
  return {
    writer: "exec",
    machine: paperExecutionMachine,
    input: paperVenueConfig(setup),
    accepts: paperExecutionAccepts,
    machineVersion: "paper-execution@1",
  };
}
