import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { Logger } from "pino";
import { type ObjectDetails, ObjectDetailsSchema } from "../../gen/zitadel/object_pb.js";
import type { RequestContext } from "../core/audit.js";
import { changePassword, type ChangePasswordDeps } from "../core/change-password.js";
import { invalidField, type ServiceError } from "../core/errors.js";
import { BCRYPT_MAX_BYTES } from "../crypto/hashing.js";
import type { UserAdmission } from "../crypto/hash-pool.js";
import type { RevocationCheck } from "../core/revocation.js";
import { type Authenticator, rolesRecord, type TokenIssuer } from "../crypto/tokens.js";
import { changeOutcome, type RequestInfo } from "../ops/request-info.js";
import { caught } from "./caught.js";
import { CODE_OF } from "./connect-errors.js";

/** Cap on the old password: only against abuse, since it may have been set elsewhere. */
export const OLD_PASSWORD_MAX_BYTES = 1024;

export interface ChangeRequest {
  /** The protobuf message name, for ZITADEL-style validation messages. */
  requestName: string;
  authorization: string | null | undefined;
  oldPassword: string;
  newPassword: string;
  /** User agent and remote address, for the audit trail. */
  context: RequestContext;
  /** Told the caller's user ID and the outcome, for the request's log line and metrics. */
  info?: RequestInfo;
}

export interface ChangeResult {
  details: ObjectDetails;
  /** Under TOKEN_REVOCATION=all, when this service issues tokens: one that outlives the change. */
  freshToken?: string;
}

/**
 * What every protocol adapter does with a change request: authenticate,
 * validate the fields, run the use case, and answer ObjectDetails. Errors
 * leave as ServiceError; anything else becomes the contract's internal error.
 */
export class ChangeEndpoint {
  constructor(
    private readonly authenticator: Authenticator,
    private readonly deps: ChangePasswordDeps,
    private readonly logger: Logger,
    private readonly revocation: RevocationCheck,
    private readonly users: UserAdmission,
    /** Set when the service issues its own tokens and TOKEN_REVOCATION is "all". */
    private readonly freshTokens?: TokenIssuer,
  ) {}

  async handle(req: ChangeRequest): Promise<ChangeResult> {
    let leave: (() => void) | undefined;
    try {
      // Past capacity, refuse before spending anything on the request: no
      // token check, no database. Refusals that cost little leave the cores
      // to the changes already admitted.
      this.deps.hasher.refuseIfBusy();
      const caller = await this.authenticator.authenticate(req.authorization);
      if (req.info) req.info.userId = caller.userId;
      // One user's flood is refused here, before it can fill the queue every user shares.
      leave = this.users.enter(caller.userId);
      await this.revocation.check(caller);
      validate(req);
      const change = await changePassword(this.deps, {
        userId: caller.userId,
        oldPassword: req.oldPassword,
        newPassword: req.newPassword,
        tokenFingerprint: caller.fingerprint,
        context: req.context,
      });
      const details = create(ObjectDetailsSchema, {
        sequence: BigInt(change.sequence),
        changeDate: timestampFromDate(change.changedAt),
        resourceOwner: change.resourceOwner,
      });
      // Issued at the change's own millisecond, so not before it; it expires when the caller's did.
      const freshToken = await this.freshTokens?.issueAt(caller.userId, change.changedAt.getTime(), caller.expiresAt, rolesRecord(caller.roles));
      record(req.info, undefined);
      return { details, freshToken };
    } catch (err) {
      const error = caught(err, this.logger, "change password");
      record(req.info, error);
      throw error;
    } finally {
      leave?.();
    }
  }
}

export function record(info: RequestInfo | undefined, err: ServiceError | undefined): void {
  if (!info) return;
  info.outcome = changeOutcome(err);
  info.code = err ? CODE_OF[err.kind] : 0;
}

function validate(req: ChangeRequest): void {
  checkLength(req.requestName, "OldPassword", req.oldPassword, OLD_PASSWORD_MAX_BYTES);
  checkLength(req.requestName, "NewPassword", req.newPassword, BCRYPT_MAX_BYTES);
}

export function checkLength(requestName: string, field: string, value: string, maxBytes: number): void {
  if (value.length === 0) throw invalidField(requestName, field, "value length must be at least 1 runes");
  if (Buffer.byteLength(value, "utf8") > maxBytes) {
    throw invalidField(requestName, field, `value length must be at most ${maxBytes} bytes`);
  }
}
