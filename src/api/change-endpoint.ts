import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { type ObjectDetails, ObjectDetailsSchema } from "../../gen/zitadel/object_pb.js";
import type { RequestContext } from "../core/audit.js";
import { changePassword, type ChangePasswordDeps } from "../core/change-password.js";
import { invalidField } from "../core/errors.js";
import { BCRYPT_MAX_BYTES } from "../core/password-hasher.js";
import type { UserAdmission } from "../crypto/hash-pool.js";
import { type Caller, rolesRecord, type TokenIssuer } from "../crypto/tokens.js";
import type { CallerRequest, Gate } from "./gate.js";

/** Cap on the old password: only against abuse, since it may have been set elsewhere. */
export const OLD_PASSWORD_MAX_BYTES = 1024;

export interface ChangeRequest extends CallerRequest {
  /** The protobuf message name, for ZITADEL-style validation messages. */
  requestName: string;
  oldPassword: string;
  newPassword: string;
  /** User agent and remote address, for the audit trail. */
  context: RequestContext;
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
    private readonly gate: Gate,
    private readonly deps: ChangePasswordDeps,
    private readonly users: UserAdmission,
    /** Set when the service issues its own tokens and TOKEN_REVOCATION is "all". */
    private readonly freshTokens?: TokenIssuer,
  ) {}

  handle(req: ChangeRequest): Promise<ChangeResult> {
    return this.gate.answer(req, {
      what: "change password",
      isChange: true,
      // Past capacity, refuse before spending anything on the request: no
      // token check, no database. Refusals that cost little leave the cores
      // to the changes already admitted.
      first: () => this.deps.hasher.refuseIfBusy(),
      // One user's flood is refused here, before any database read, and before it can fill the queue every user shares.
      admit: (caller) => this.users.enter(caller.userId, caller.fingerprint),
      run: (caller) => {
        validate(req);
        return this.change(caller, req);
      },
    });
  }

  private async change(caller: Caller, req: ChangeRequest): Promise<ChangeResult> {
    const change = await changePassword(this.deps, {
      userId: caller.userId,
      oldPassword: req.oldPassword,
      newPassword: req.newPassword,
      token: caller,
      context: req.context,
    });
    const details = create(ObjectDetailsSchema, {
      sequence: BigInt(change.sequence),
      changeDate: timestampFromDate(change.changedAt),
      resourceOwner: change.resourceOwner,
    });
    // Issued at the change's own millisecond, so not before it; it expires when the caller's did.
    const freshToken = await this.freshTokens?.issueAt(caller.userId, change.changedAt.getTime(), caller.expiresAt, rolesRecord(caller.roles));
    return { details, freshToken };
  }
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
