import { LOCKOUT_SETTINGS_PATH, PASSWORD_SETTINGS_PATH, POLICY_PATH, REST_PATH } from "./api/rest.js";

const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: { $ref: "#/components/schemas/Status" } } },
});

const json = (description: string, ref: string) => ({
  description,
  content: { "application/json": { schema: { $ref: `#/components/schemas/${ref}` } } },
});

/** The answers every read route may give besides its own 200. */
const readErrors = {
  "400": errorResponse("A bad query parameter (code 3), or the user's state refuses it (code 9)."),
  "401": {
    ...errorResponse("No, a malformed or an invalid bearer token (code 16)."),
    headers: { "WWW-Authenticate": { schema: { type: "string" }, description: "The Bearer challenge." } },
  },
  "403": errorResponse("The token grants no reading of that organisation's settings (code 7, AUTH-5mWD2)."),
  "404": errorResponse("The token's user is unknown (PWSVC-USR01), or the organisation asked for does not exist (PWSVC-ORG01); code 5."),
  "405": errorResponse("A method other than GET."),
  "500": errorResponse("An internal error (code 13)."),
  "503": errorResponse("The database or the token issuer's keys cannot be reached (code 14)."),
};

/** The v2 settings reads' `ctx`, as grpc-gateway takes it from the query string. */
const ctxParameters = [
  { name: "ctx.orgId", in: "query", schema: { type: "string" }, description: "An organisation; another than the caller's needs the password-service:admin role for it." },
  { name: "ctx.instance", in: "query", schema: { type: "boolean" }, description: "The instance's defaults. Without either: the caller's organisation." },
];

/**
 * OpenAPI 3.1 for the REST routes, as ZITADEL's grpc-gateway serves them, and
 * the probes. Served at `/openapi.json`; the tests check it with an OpenAPI
 * validator and check the REST route's real answers against it.
 */
export const OPENAPI_DOCUMENT = {
  openapi: "3.1.0",
  info: {
    title: "password-service",
    version: "1.0.0",
    description:
      "A drop-in for ZITADEL's Auth API v1 Change Password endpoint. The same change is served over gRPC, " +
      "gRPC-Web and Connect as zitadel.auth.v1.AuthService/UpdateMyPassword, beside the policy reads " +
      "(GetMyPasswordComplexityPolicy, Settings v2) and our own passwordservice.v1.PasswordService; gRPC reflection describes those.",
  },
  paths: {
    [REST_PATH]: {
      put: {
        operationId: "UpdateMyPassword",
        summary: "Change my password",
        description:
          "Changes the password of the user the bearer token names. The old password is checked before the complexity policy is applied to the new one.",
        tags: ["AuthService"],
        security: [{ bearerAuth: [] }],
        requestBody: {
          required: true,
          content: { "application/json": { schema: { $ref: "#/components/schemas/UpdateMyPasswordRequest" } } },
        },
        responses: {
          "200": {
            description: "The password was changed.",
            content: { "application/json": { schema: { $ref: "#/components/schemas/UpdateMyPasswordResponse" } } },
          },
          "400": errorResponse("Invalid request, wrong old password (code 3) or refused by the user's state (code 9)."),
          "401": {
            ...errorResponse("No, a malformed or an invalid bearer token (code 16)."),
            headers: { "WWW-Authenticate": { schema: { type: "string" }, description: "The Bearer challenge." } },
          },
          "405": errorResponse("A method other than PUT."),
          "409": errorResponse("Another change of the same user committed first (code 10)."),
          "413": errorResponse("The body is larger than MAX_BODY_BYTES."),
          "415": errorResponse("A content type other than JSON."),
          "429": {
            ...errorResponse("At capacity: a password check could not start within HASH_QUEUE_BUDGET_MS (code 8)."),
            headers: { "Retry-After": { schema: { type: "integer" }, description: "Seconds after which a retry may succeed." } },
          },
          "500": errorResponse("An internal error (code 13)."),
          "503": errorResponse("The database or the token issuer's keys cannot be reached (code 14)."),
        },
      },
    },
    [POLICY_PATH]: {
      get: {
        operationId: "GetMyPasswordComplexityPolicy",
        summary: "The password complexity policy of my organisation",
        description: "is_default is true when the organisation inherits the instance's policy. Under the nist profile the has* fields are false and minLength counts code points.",
        tags: ["AuthService"],
        security: [{ bearerAuth: [] }],
        responses: { "200": json("The policy.", "GetMyPasswordComplexityPolicyResponse"), ...readErrors },
      },
    },
    [PASSWORD_SETTINGS_PATH]: {
      get: {
        operationId: "GetPasswordComplexitySettings",
        summary: "The password complexity settings of an organisation or the instance",
        tags: ["SettingsService"],
        security: [{ bearerAuth: [] }],
        parameters: ctxParameters,
        responses: { "200": json("The settings.", "GetPasswordComplexitySettingsResponse"), ...readErrors },
      },
    },
    [LOCKOUT_SETTINGS_PATH]: {
      get: {
        operationId: "GetLockoutSettings",
        summary: "The lockout settings of an organisation or the instance",
        tags: ["SettingsService"],
        security: [{ bearerAuth: [] }],
        parameters: ctxParameters,
        responses: { "200": json("The settings.", "GetLockoutSettingsResponse"), ...readErrors },
      },
    },
    "/healthz": {
      get: {
        operationId: "Liveness",
        summary: "The process is alive",
        tags: ["Operations"],
        responses: { "200": { description: "Alive.", content: { "application/json": { schema: { $ref: "#/components/schemas/Probe" } } } } },
      },
    },
    "/readyz": {
      get: {
        operationId: "Readiness",
        summary: "The service can serve: its database answers and it is not shutting down",
        tags: ["Operations"],
        responses: {
          "200": { description: "Ready.", content: { "application/json": { schema: { $ref: "#/components/schemas/Probe" } } } },
          "503": { description: "Not ready.", content: { "application/json": { schema: { $ref: "#/components/schemas/Probe" } } } },
        },
      },
    },
  },
  components: {
    securitySchemes: {
      bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" },
    },
    schemas: {
      UpdateMyPasswordRequest: {
        type: "object",
        description: "proto3 JSON: old_password and new_password are accepted too; unknown fields are ignored.",
        properties: {
          oldPassword: { type: "string", minLength: 1 },
          newPassword: { type: "string", minLength: 1, description: "At most 72 bytes of UTF-8." },
        },
        required: ["oldPassword", "newPassword"],
      },
      UpdateMyPasswordResponse: {
        type: "object",
        properties: { details: { $ref: "#/components/schemas/ObjectDetails" } },
        required: ["details"],
        additionalProperties: false,
      },
      ObjectDetails: {
        type: "object",
        properties: {
          sequence: { type: "string", pattern: "^[0-9]+$", description: "The user's event sequence after the change (uint64 as a string)." },
          creationDate: { type: "string", format: "date-time" },
          changeDate: { type: "string", format: "date-time" },
          resourceOwner: {
            type: "string",
            pattern: "^[\\x21-\\x7e]{1,200}$",
            description: "The user's organisation ID: ZITADEL-style decimal when the service made it, as imported otherwise.",
          },
        },
        required: ["sequence", "changeDate", "resourceOwner"],
        additionalProperties: false,
      },
      GetMyPasswordComplexityPolicyResponse: {
        type: "object",
        properties: {
          policy: {
            type: "object",
            properties: {
              details: { $ref: "#/components/schemas/PolicyDetails" },
              minLength: { $ref: "#/components/schemas/Uint64" },
              hasUppercase: { type: "boolean" },
              hasLowercase: { type: "boolean" },
              hasNumber: { type: "boolean" },
              hasSymbol: { type: "boolean" },
              isDefault: { type: "boolean" },
            },
            required: ["details", "minLength"],
            additionalProperties: false,
          },
        },
        required: ["policy"],
        additionalProperties: false,
      },
      GetPasswordComplexitySettingsResponse: {
        type: "object",
        properties: {
          details: { $ref: "#/components/schemas/PolicyDetails" },
          settings: {
            type: "object",
            properties: {
              minLength: { $ref: "#/components/schemas/Uint64" },
              requiresUppercase: { type: "boolean" },
              requiresLowercase: { type: "boolean" },
              requiresNumber: { type: "boolean" },
              requiresSymbol: { type: "boolean" },
              resourceOwnerType: { $ref: "#/components/schemas/ResourceOwnerType" },
            },
            required: ["minLength", "resourceOwnerType"],
            additionalProperties: false,
          },
        },
        required: ["details", "settings"],
        additionalProperties: false,
      },
      GetLockoutSettingsResponse: {
        type: "object",
        properties: {
          details: { $ref: "#/components/schemas/PolicyDetails" },
          settings: {
            type: "object",
            description: "maxPasswordAttempts is left out when it is 0 (never lock), as proto3 JSON leaves out defaults.",
            properties: {
              maxPasswordAttempts: { $ref: "#/components/schemas/Uint64" },
              resourceOwnerType: { $ref: "#/components/schemas/ResourceOwnerType" },
              maxOtpAttempts: { $ref: "#/components/schemas/Uint64" },
            },
            required: ["resourceOwnerType"],
            additionalProperties: false,
          },
        },
        required: ["details", "settings"],
        additionalProperties: false,
      },
      PolicyDetails: {
        type: "object",
        description:
          "The policy's sequence (how many times it was set), when it was set, and its organisation. All left out for ZITADEL's built-in defaults; resourceOwner is left out for the instance's, which has no ID here.",
        properties: {
          sequence: { $ref: "#/components/schemas/Uint64" },
          creationDate: { type: "string", format: "date-time" },
          changeDate: { type: "string", format: "date-time" },
          resourceOwner: { type: "string" },
        },
        additionalProperties: false,
      },
      Uint64: { type: "string", pattern: "^[0-9]+$", description: "uint64 as a string (proto3 JSON)." },
      ResourceOwnerType: { type: "string", enum: ["RESOURCE_OWNER_TYPE_INSTANCE", "RESOURCE_OWNER_TYPE_ORG"] },
      Status: {
        type: "object",
        description: "A google.rpc.Status: the gRPC code, `<message> (<id>)`, and ZITADEL's error detail.",
        properties: {
          code: { type: "integer", minimum: 1, maximum: 16 },
          message: { type: "string" },
          details: { type: "array", items: { $ref: "#/components/schemas/ErrorDetail" }, maxItems: 1 },
        },
        required: ["code", "message", "details"],
        additionalProperties: false,
      },
      ErrorDetail: {
        type: "object",
        description: "zitadel.v1.ErrorDetail, or zitadel.v1.CredentialsCheckError with failedAttempts.",
        properties: {
          "@type": {
            type: "string",
            enum: ["type.googleapis.com/zitadel.v1.ErrorDetail", "type.googleapis.com/zitadel.v1.CredentialsCheckError"],
          },
          id: { type: "string" },
          message: { type: "string" },
          failedAttempts: { type: "integer", minimum: 0 },
        },
        required: ["@type", "id", "message"],
        additionalProperties: false,
      },
      Probe: {
        type: "object",
        properties: { status: { type: "string" }, reason: { type: "string" } },
        required: ["status"],
        additionalProperties: false,
      },
    },
  },
} as const;
