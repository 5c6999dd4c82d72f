import { create } from "@bufbuild/protobuf";
import { durationFromMs, timestampFromDate } from "@bufbuild/protobuf/wkt";
import {
  BreachedCheck,
  type GetMyPasswordPolicyResponse,
  GetMyPasswordPolicyResponseSchema,
  LengthUnit,
  PolicySource,
  Profile,
  type ValidateMyNewPasswordResponse,
  ValidateMyNewPasswordResponseSchema,
} from "../../gen/passwordservice/v1/password_service_pb.js";
import { DetailsSchema } from "../../gen/zitadel/object/v2/object_pb.js";
import { ObjectDetailsSchema } from "../../gen/zitadel/object_pb.js";
import { type PasswordComplexityPolicy, PasswordComplexityPolicySchema } from "../../gen/zitadel/policy_pb.js";
import {
  type GetLockoutSettingsResponse,
  GetLockoutSettingsResponseSchema,
  type GetPasswordComplexitySettingsResponse,
  GetPasswordComplexitySettingsResponseSchema,
} from "../../gen/zitadel/settings/v2/settings_service_pb.js";
import { ResourceOwnerType } from "../../gen/zitadel/settings/v2/settings_pb.js";
import { contextWords } from "../core/new-password.js";
import { errors, invalidField } from "../core/errors.js";
import { type Language, messageIn } from "../core/messages.js";
import { BCRYPT_MAX_BYTES } from "../core/password-hasher.js";
import { type EffectivePolicy, NIST_MAX_CODE_POINTS } from "../core/policy.js";
import { myPolicy, orgSettings, type PolicyQueryDeps, validateNewPassword } from "../core/policy-queries.js";
import type { PerUserRate } from "../core/rate-limit.js";
import { TARPIT } from "../core/tarpit.js";
import { readsSettings, readsSettingsOf } from "../core/roles.js";
import type { Caller } from "../crypto/tokens.js";
import type { CallerRequest, Gate } from "./gate.js";

/** What every protocol adapter passes in for a policy read. */
export type PolicyRequest = CallerRequest;

/** A v2 settings read: the organisation named in its `ctx`, or the instance; neither: the caller's own. */
export interface SettingsRequest extends PolicyRequest {
  scope: { orgId: string } | { instance: true } | undefined;
}

/**
 * The policy read APIs, as every protocol adapter calls them: ZITADEL's
 * GetMyPasswordComplexityPolicy and Settings v2, and our own policy and
 * validation. Authenticates, refuses revoked tokens, and answers messages;
 * errors leave as ServiceError.
 */
export class PolicyEndpoint {
  constructor(
    private readonly gate: Gate,
    private readonly deps: PolicyQueryDeps & { instancePolicy(): Promise<EffectivePolicy>; instanceId(): Promise<string> },
    private readonly validations: PerUserRate,
  ) {}

  /** zitadel.auth.v1.AuthService/GetMyPasswordComplexityPolicy. */
  complexityPolicy(req: PolicyRequest): Promise<PasswordComplexityPolicy> {
    return this.answer(req, async (caller) => {
      const { user, effective } = await myPolicy(this.deps, caller.userId);
      const { policy, source } = effective;
      return create(PasswordComplexityPolicySchema, {
        details: create(ObjectDetailsSchema, {
          sequence: BigInt(effective.sequence),
          changeDate: effective.changedAt && timestampFromDate(effective.changedAt),
          resourceOwner: source === "org" ? user.orgId : await this.deps.instanceId(),
        }),
        minLength: BigInt(policy.complexity.minLength),
        hasUppercase: policy.complexity.hasUppercase,
        hasLowercase: policy.complexity.hasLowercase,
        hasNumber: policy.complexity.hasNumber,
        hasSymbol: policy.complexity.hasSymbol,
        isDefault: source === "instance",
      });
    });
  }

  /** zitadel.settings.v2.SettingsService/GetPasswordComplexitySettings. */
  passwordSettings(req: SettingsRequest): Promise<GetPasswordComplexitySettingsResponse> {
    return this.answer(req, async (caller) => {
      const { owner, effective } = await this.settings(caller, req.scope);
      const { complexity } = effective.policy;
      return create(GetPasswordComplexitySettingsResponseSchema, {
        details: v2Details(effective, owner),
        settings: {
          minLength: BigInt(complexity.minLength),
          requiresUppercase: complexity.hasUppercase,
          requiresLowercase: complexity.hasLowercase,
          requiresNumber: complexity.hasNumber,
          requiresSymbol: complexity.hasSymbol,
          resourceOwnerType: ownerType(effective),
        },
      });
    });
  }

  /** zitadel.settings.v2.SettingsService/GetLockoutSettings. */
  lockoutSettings(req: SettingsRequest): Promise<GetLockoutSettingsResponse> {
    return this.answer(req, async (caller) => {
      const { owner, effective } = await this.settings(caller, req.scope);
      return create(GetLockoutSettingsResponseSchema, {
        details: v2Details(effective, owner),
        settings: {
          maxPasswordAttempts: BigInt(effective.policy.lockout.maxPasswordAttempts),
          resourceOwnerType: ownerType(effective),
          maxOtpAttempts: 0n,
        },
      });
    });
  }

  /** passwordservice.v1.PasswordService/GetMyPasswordPolicy. */
  myPolicy(req: PolicyRequest): Promise<GetMyPasswordPolicyResponse> {
    return this.answer(req, async (caller) => {
      const { user, effective } = await myPolicy(this.deps, caller.userId);
      const { policy } = effective;
      const nist = policy.profile === "nist";
      return create(GetMyPasswordPolicyResponseSchema, {
        username: user.username,
        policy: {
          profile: nist ? Profile.NIST : Profile.ZITADEL,
          orgId: user.orgId,
          source: effective.source === "org" ? PolicySource.ORG : PolicySource.INSTANCE,
          minLength: policy.complexity.minLength,
          maxLength: nist ? NIST_MAX_CODE_POINTS : BCRYPT_MAX_BYTES,
          lengthUnit: nist ? LengthUnit.CODE_POINTS : LengthUnit.UTF8_BYTES,
          requiresLowercase: policy.complexity.hasLowercase,
          requiresUppercase: policy.complexity.hasUppercase,
          requiresNumber: policy.complexity.hasNumber,
          requiresSymbol: policy.complexity.hasSymbol,
          blocklist: policy.blocklist,
          contextWords: policy.blocklist ? contextWords(user) : [],
          historyCount: policy.historyCount,
          breachedCheck: BREACHED_CHECK[policy.breachedCheck],
          maxPasswordAttempts: policy.lockout.maxPasswordAttempts,
          tarpit: {
            fromFailedAttempt: TARPIT.firstDelayedFailure,
            everyFailedAttempts: TARPIT.failuresPerStep,
            step: durationFromMs(TARPIT.stepMs),
            maxDelay: durationFromMs(TARPIT.maxDelayMs),
            source: PolicySource.SERVICE,
          },
        },
      });
    });
  }

  /** passwordservice.v1.PasswordService/ValidateMyNewPassword. */
  /** The violations' texts are in `language`, the caller's (English unless told). */
  validate(req: PolicyRequest & { requestName: string; newPassword: string; language?: Language }): Promise<ValidateMyNewPasswordResponse> {
    return this.answer(req, async (caller) => {
      // Before any work: the breached check behind it is someone else's API.
      this.validations.take(caller.userId);
      if (Buffer.byteLength(req.newPassword, "utf8") > VALIDATE_MAX_BYTES) {
        throw invalidField(req.requestName, "NewPassword", `value length must be at most ${VALIDATE_MAX_BYTES} bytes`);
      }
      const violations = await validateNewPassword(this.deps, caller.userId, req.newPassword);
      return create(ValidateMyNewPasswordResponseSchema, {
        valid: violations.length === 0,
        violations: violations.map((err) => ({ id: err.id, message: messageIn(err, req.language ?? "en") })),
      });
    });
  }

  private async settings(caller: Caller, scope: SettingsRequest["scope"]): Promise<{ owner: string; effective: EffectivePolicy }> {
    // ZITADEL's settings service asks `policy.read` at the door, of every read.
    if (!readsSettings(caller)) throw errors.permissionDenied();
    if (scope && "instance" in scope) return { owner: await this.deps.instanceId(), effective: await this.deps.instancePolicy() };
    const mayRead = (orgId: string) => readsSettingsOf(caller, orgId);
    const { orgId, effective } = await orgSettings(this.deps, caller.userId, scope?.orgId, mayRead);
    // Inherited settings are the instance's, with its sequence, change date and ID, as ZITADEL answers them.
    return { owner: effective.source === "org" ? orgId : await this.deps.instanceId(), effective };
  }

  private answer<T>(req: PolicyRequest, read: (caller: Caller) => Promise<T>): Promise<T> {
    return this.gate.answer(req, { what: "a policy read", run: read });
  }
}

/** Cap on the password to validate: only against abuse, well past anything a change accepts. */
const VALIDATE_MAX_BYTES = 1024;

const BREACHED_CHECK = { off: BreachedCheck.OFF, "fail-open": BreachedCheck.FAIL_OPEN, "fail-closed": BreachedCheck.FAIL_CLOSED };

function ownerType(effective: EffectivePolicy): ResourceOwnerType {
  return effective.source === "org" ? ResourceOwnerType.ORG : ResourceOwnerType.INSTANCE;
}

function v2Details(effective: EffectivePolicy, owner: string) {
  return create(DetailsSchema, {
    sequence: BigInt(effective.sequence),
    changeDate: effective.changedAt && timestampFromDate(effective.changedAt),
    resourceOwner: owner,
  });
}
