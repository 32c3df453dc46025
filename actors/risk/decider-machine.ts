import { emit, enqueueActions, setup } from "xstate";
import type { AnyEvent, AnyEventDraft } from "../../events/index.ts";

/** One step of a pure decider: the next context and the drafts to emit. */
export interface DeciderStep<C> {
  readonly context: C;
  readonly outputs: AnyEventDraft[];
}

/**
 * A single-state XState machine around a pure decider: each event folds `decide` into the context and emits its
 * drafts. The rules stay plain functions (testable without XState); the machine gives the hosts their live actor and
 * persisted snapshots.
 */
export function deciderMachine<C extends object, I>(
  id: string,
  initial: (input: I) => C,
  decide: (context: C, event: AnyEvent) => DeciderStep<C>,
) {
  return setup({
    types: {
      context: {} as C,
      input: {} as I,
      events: {} as AnyEvent,
      emitted: {} as AnyEventDraft,
    },
  }).createMachine({
    id,
    context: ({ input }) => initial(input),
    on: {
      "*": {
        actions: enqueueActions(({ context, event, enqueue }) => {
          const step = decide(context, event);
          if (step.context !== context) enqueue.assign(() => step.context);
          for (const draft of step.outputs) enqueue(emit(draft));
        }),
      },
    },
  });
}
