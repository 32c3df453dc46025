import { CryptoFunkError, type ErrorOptions } from "../../events/index.ts";

/** An event the read model cannot apply (it refers to a row that does not exist, or breaks a constraint). */
export class UnprojectableEventError extends CryptoFunkError {
  constructor(message: string, options: ErrorOptions = {}) {
    super("VALIDATION", message, options);
  }
}
