import type { ValidationIssue } from "../../events/index.ts";

export type StrategyValidation =
  | { readonly ok: true; readonly config: Readonly<Record<string, unknown>> }
  | { readonly ok: false; readonly issues: readonly ValidationIssue[] };

/**
 * Checks a strategy configuration and returns it with defaults filled (the actors' strategy schema, handed in by
 * the composition root: the gateway may not import actors/).
 */
export interface StrategyValidator {
  validate(raw: unknown): StrategyValidation;
}
