import type { Logger } from "pino";
import { errors, ServiceError } from "../core/errors.js";

/**
 * What an endpoint answers for an error it caught: a ServiceError as it is
 * (a lost database or issuer logged, the cause naming it), anything else
 * logged and answered as the contract's internal error. The error object may
 * quote SQL or driver state, never request fields.
 */
export function caught(err: unknown, logger: Logger, what: string): ServiceError {
  if (!(err instanceof ServiceError)) {
    logger.error({ err }, `unexpected error in ${what}`);
    return errors.internal();
  }
  if (err.kind === "unavailable") logger.warn({ err: err.cause ?? err }, err.message);
  return err;
}
