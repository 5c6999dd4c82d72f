import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { type Details, DetailsSchema } from "../../gen/zitadel/object/v2/object_pb.js";
import { NotificationType } from "../../gen/zitadel/user/v2/password_pb.js";
import type { PasswordResetRequest as PasswordResetMessage } from "../../gen/zitadel/user/v2/user_service_pb.js";
import type { RequestContext } from "../core/audit.js";
import type { ChangePasswordDeps } from "../core/change-password.js";
import type { CommittedChange } from "../core/user-store.js";
import { errors, invalidField } from "../core/errors.js";
import type { UserAdmission } from "../crypto/hash-pool.js";
import { BCRYPT_MAX_BYTES } from "../core/password-hasher.js";
import { requestPasswordReset, type ResetDeps, type ResetMedium, setPasswordWithCode } from "../core/reset-password.js";
import { administers, isInstanceWide, isLoginClient } from "../core/roles.js";
import { setPasswordByAdmin, setPasswordWithCurrent } from "../core/set-password.js";
import type { Caller } from "../crypto/tokens.js";
import { URL_TEMPLATE_MAX_LENGTH } from "../core/url-template.js";
import { checkLength, OLD_PASSWORD_MAX_BYTES } from "./change-endpoint.js";
import { checkId, CODE_MAX } from "./field-bounds.js";
import type { Call, CallerRequest, Gate } from "./gate.js";

interface UserRequest extends CallerRequest {
  userId: string;
  context: RequestContext;
}

export interface PasswordResetRequest extends UserRequest {
  medium: ResetMedium;
}

export interface SetPasswordRequest extends UserRequest {
  newPassword: { password: string; changeRequired: boolean } | undefined;
  verification: { case: "currentPassword" | "verificationCode"; value: string } | { case: undefined };
}

/**
 * ZITADEL v2's UserService password calls, as every protocol adapter calls
 * them: authenticate, validate the fields as ZITADEL does, decide who may
 * call what, run the use case, and answer v2 Details. Errors leave as
 * ServiceError.
 */
export class UserEndpoint {
  constructor(
    private readonly gate: Gate,
    private readonly changes: ChangePasswordDeps,
    private readonly resets: ResetDeps,
    private readonly users: UserAdmission,
  ) {}

  /** zitadel.user.v2.UserService/PasswordReset. */
  passwordReset(req: PasswordResetRequest): Promise<{ details: Details; verificationCode?: string }> {
    return this.answer(req, "PasswordResetRequest", async (caller) => {
      const template = req.medium.kind === "email" ? req.medium.urlTemplate : undefined;
      if (template !== undefined && (template.length === 0 || template.length > URL_TEMPLATE_MAX_LENGTH)) {
        throw invalidField("PasswordResetRequest", "SendLink.UrlTemplate", `value length must be between 1 and ${URL_TEMPLATE_MAX_LENGTH} runes, inclusive`);
      }
      const reset = await requestPasswordReset(this.resets, { userId: req.userId, medium: req.medium, caller: authority(caller), context: req.context });
      return {
        details: details({ sequence: reset.sequence, changedAt: reset.at, resourceOwner: reset.resourceOwner }),
        verificationCode: reset.code,
      };
    });
  }

  /**
   * zitadel.user.v2.UserService/SetPassword: a change, counted and logged as
   * one, and let in as the change is (see ChangeEndpoint).
   */
  setPassword(req: SetPasswordRequest): Promise<{ details: Details }> {
    const withCurrent = req.verification.case === "currentPassword";
    return this.answer(req, "SetPasswordRequest", async (caller) => ({ details: details(await this.setFor(caller, req)) }), {
      isChange: true,
      // Past capacity, refuse before anything is spent: no token check, no database.
      first: () => this.changes.hasher.refuseIfBusy(),
      // A check of the user's password: one user's (and one token's) flood is
      // refused before it fills the queue all share. A recovery is never
      // refused because of its user's own token traffic: a code's tries are
      // counted instead, and an administrator is not the user.
      admit: withCurrent ? (caller) => this.users.enter(req.userId, caller.fingerprint) : undefined,
    });
  }

  private async setFor(caller: Caller, req: SetPasswordRequest): Promise<CommittedChange> {
    // ZITADEL's command refuses an absent or empty password with its own ID.
    if (!req.newPassword || req.newPassword.password === "") throw errors.passwordEmpty();
    checkLength("SetPasswordRequest", "NewPassword.Password", req.newPassword.password, BCRYPT_MAX_BYTES);
    const { verification } = req;
    const withCurrent = verification.case === "currentPassword";
    if (withCurrent) checkLength("SetPasswordRequest", "CurrentPassword", verification.value, OLD_PASSWORD_MAX_BYTES);
    else if (verification.case) checkLength("SetPasswordRequest", "VerificationCode", verification.value, CODE_MAX);
    const { password: newPassword, changeRequired } = req.newPassword;
    const set = { userId: req.userId, newPassword, changeRequired, caller: authority(caller), context: req.context };
    if (!verification.case) return setPasswordByAdmin(this.resets, set);
    if (!withCurrent) return setPasswordWithCode(this.resets, { ...set, code: verification.value });
    return setPasswordWithCurrent(this.changes, { ...set, currentPassword: verification.value, token: caller });
  }

  /** Checks the user ID once the caller is known, then runs the call through the gate with the call's hooks. */
  private answer<T>(req: UserRequest, requestName: string, run: (caller: Caller) => Promise<T>, hooks: Omit<Call<T>, "what" | "run"> = {}): Promise<T> {
    return this.gate.answer(req, {
      ...hooks,
      what: requestName,
      run: (caller) => {
        checkId(requestName, "UserId", req.userId);
        return run(caller);
      },
    });
  }
}

function authority(caller: Caller) {
  return {
    userId: caller.userId,
    administers: (orgId: string) => administers(caller, orgId),
    loginClient: isLoginClient(caller),
    instanceWide: isInstanceWide(caller),
  };
}

function details(change: Pick<CommittedChange, "sequence" | "changedAt" | "resourceOwner">): Details {
  return create(DetailsSchema, {
    sequence: BigInt(change.sequence),
    changeDate: timestampFromDate(change.changedAt),
    resourceOwner: change.resourceOwner,
  });
}

/** PasswordReset's medium as the use case takes it: no medium is a mail with the default link. */
export function mediumOf(medium: PasswordResetMessage["medium"]): ResetMedium {
  if (medium.case === "returnCode") return { kind: "return-code" };
  if (medium.case !== "sendLink") return { kind: "email" };
  const { notificationType, urlTemplate } = medium.value;
  if (notificationType === NotificationType.SMS) return { kind: "sms" };
  if (notificationType !== NotificationType.Email && notificationType !== NotificationType.Unspecified) {
    throw invalidField("PasswordResetRequest", "SendLink.NotificationType", "value must be one of the defined enum values");
  }
  return { kind: "email", urlTemplate };
}
