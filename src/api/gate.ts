import type { Logger } from "pino";
import type { ServiceError } from "../core/errors.js";
import type { RevocationCheck } from "../core/revocation.js";
import type { Authenticator, Caller } from "../crypto/tokens.js";
import { changeOutcome, type RequestInfo } from "../ops/request-info.js";
import { caught } from "./caught.js";
import { CODE_OF } from "./connect-errors.js";

/** What every endpoint's request carries besides its fields. */
export interface CallerRequest {
  authorization: string | null | undefined;
  /** Told the caller's user ID and the code (and for a change, its outcome), for the request's log line and metrics. */
  info?: RequestInfo;
}

export interface Call<T> {
  /** Names the call in the log, should it fail unexpectedly. */
  what: string;
  run: (caller: Caller) => Promise<T>;
  /** A password change (or set): its outcome is counted too. */
  isChange?: boolean;
  /** A refusal that costs nothing, made before the token is checked. */
  first?: () => void;
  /**
   * Lets the caller in once the token names them, before any database read,
   * or throws; the function it returns is called when the call ends.
   */
  admit?: (caller: Caller) => () => void;
}

/**
 * The way into every endpoint: check the token, name the caller in the
 * request's log line, refuse a token that a later change revoked, run the
 * call, and record how it ended. Errors leave as ServiceError (see caught).
 */
export class Gate {
  constructor(
    private readonly authenticator: Authenticator,
    private readonly revocation: RevocationCheck,
    private readonly logger: Logger,
  ) {}

  async answer<T>(req: CallerRequest, call: Call<T>): Promise<T> {
    let leave: (() => void) | undefined;
    try {
      call.first?.();
      const caller = await this.authenticator.authenticate(req.authorization);
      if (req.info) req.info.userId = caller.userId;
      leave = call.admit?.(caller);
      await this.revocation.check(caller);
      const result = await call.run(caller);
      record(req.info, undefined, call.isChange);
      return result;
    } catch (err) {
      const error = caught(err, this.logger, call.what);
      record(req.info, error, call.isChange);
      throw error;
    } finally {
      leave?.();
    }
  }
}

function record(info: RequestInfo | undefined, err: ServiceError | undefined, isChange = false): void {
  if (!info) return;
  if (isChange) info.outcome = changeOutcome(err);
  info.code = err ? CODE_OF[err.kind] : 0;
}
