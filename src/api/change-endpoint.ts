import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { Logger } from "pino";
import { type ObjectDetails, ObjectDetailsSchema } from "../../gen/zitadel/object_pb.js";
import { changePassword, type ChangePasswordDeps } from "../change-password.js";
import { errors, invalidField, ServiceError } from "../errors.js";
import { BCRYPT_MAX_BYTES } from "../hashing.js";
import type { Authenticator } from "../tokens.js";

/** Cap on the old password: only against abuse, since it may have been set elsewhere. */
const OLD_PASSWORD_MAX_BYTES = 1024;

export interface ChangeRequest {
  /** The protobuf message name, for ZITADEL-style validation messages. */
  requestName: string;
  authorization: string | null | undefined;
  oldPassword: string;
  newPassword: string;
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
  ) {}

  async handle(req: ChangeRequest): Promise<ObjectDetails> {
    try {
      const caller = await this.authenticator.authenticate(req.authorization);
      validate(req);
      const change = await changePassword(this.deps, {
        userId: caller.userId,
        oldPassword: req.oldPassword,
        newPassword: req.newPassword,
      });
      return create(ObjectDetailsSchema, {
        sequence: BigInt(change.sequence),
        changeDate: timestampFromDate(change.changedAt),
        resourceOwner: change.resourceOwner,
      });
    } catch (err) {
      if (err instanceof ServiceError) {
        // Operators learn of a lost database or issuer here; the cause names it.
        if (err.kind === "unavailable") this.logger.warn({ err: err.cause ?? err }, err.message);
        throw err;
      }
      // The error object may quote SQL or driver state, never request fields.
      this.logger.error({ err }, "unexpected error in change password");
      throw errors.internal();
    }
  }
}

function validate(req: ChangeRequest): void {
  checkLength(req.requestName, "OldPassword", req.oldPassword, OLD_PASSWORD_MAX_BYTES);
  checkLength(req.requestName, "NewPassword", req.newPassword, BCRYPT_MAX_BYTES);
}

function checkLength(requestName: string, field: string, value: string, maxBytes: number): void {
  if (value.length === 0) throw invalidField(requestName, field, "value length must be at least 1 runes");
  if (Buffer.byteLength(value, "utf8") > maxBytes) {
    throw invalidField(requestName, field, `value length must be at most ${maxBytes} bytes`);
  }
}
