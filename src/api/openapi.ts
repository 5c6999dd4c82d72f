import {
  LOCKOUT_SETTINGS_PATH,
  PASSWORD_RESET_PATH,
  PASSWORD_SETTINGS_PATH,
  POLICY_PATH,
  REST_PATH,
  SESSION_PATH,
  SESSIONS_PATH,
  SESSIONS_SEARCH_PATH,
  SET_PASSWORD_PATH,
} from "./rest.js";

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
  "403": errorResponse("The token holds no policy.read, or none for that organisation's settings (code 7, AUTH-5mWD2)."),
  "404": errorResponse("The token's user is unknown (PWSVC-USR01), or the organisation asked for does not exist (PWSVC-ORG01); code 5."),
  "405": errorResponse("A method other than GET."),
  "500": errorResponse("An internal error (code 13)."),
  "503": errorResponse("The database or the token issuer's keys cannot be reached (code 14)."),
};

/** The v2 settings reads' `ctx`, as grpc-gateway takes it from the query string. */
const ctxParameters = [
  { name: "ctx.orgId", in: "query", schema: { type: "string" }, description: "An organisation; another than the caller's needs the password-service:admin role for it, or the login client's." },
  { name: "ctx.instance", in: "query", schema: { type: "boolean" }, description: "The instance's defaults. Without either: the caller's organisation." },
];

/** The answers both v2 user routes may give besides their own 200. */
const userErrors = {
  "400": errorResponse("Invalid request or template, a wrong code or current password (code 3), or the user's state or the code refuses it (code 9)."),
  "401": readErrors["401"],
  "403": errorResponse("The token may not do this for that user (code 7, AUTHZ-HKJD33): see docs/resets.md."),
  "404": errorResponse("No such user, told only to the login client and the instance's administrators (code 5, COMMAND-SAF4f)."),
  "405": errorResponse("A method other than POST."),
  "409": errorResponse("Another change of the same user committed first (code 10)."),
  "413": errorResponse("The body is larger than MAX_BODY_BYTES."),
  "415": errorResponse("A content type other than JSON."),
  "429": {
    ...errorResponse("Too many resets for this user (PWSVC-RATE2), or at capacity (code 8)."),
    headers: { "Retry-After": { schema: { type: "integer" }, description: "Seconds after which a retry may succeed." } },
  },
  "500": readErrors["500"],
  "501": errorResponse("A reset by SMS (code 12, PWSVC-SMS01)."),
  "503": readErrors["503"],
};

/** The answers every session route may give besides its own success. */
const sessionErrorResponses = {
  "400": errorResponse(
    "Invalid request or a bound passed (code 3, PWSVC-SES02), a wrong password (COMMAND-3M0fs), another user (code 3), or the user's or session's state refuses it (code 9: COMMAND-Sfw3f no user checked, COMMAND-JLK35/COMMAND-SFA3t locked, SESSION-Gj4ko not active, COMMAND-Hkl3d expired).",
  ),
  "401": readErrors["401"],
  "403": errorResponse("The token may not do this (code 7, AUTH-5mWD2), or the session token is not the session's (COMMAND-sGr42)."),
  "404": errorResponse("No such session (COMMAND-Flk38) or user (QUERY-Dfbg2); code 5."),
  "405": errorResponse("A method the route does not serve."),
  "409": errorResponse("Another request changed the session or its user first (code 10)."),
  "413": userErrors["413"],
  "415": userErrors["415"],
  "429": {
    ...errorResponse("The user's check is under way or in its tarpit, or at capacity (code 8)."),
    headers: { "Retry-After": { schema: { type: "integer" }, description: "Seconds after which a retry may succeed." } },
  },
  "500": readErrors["500"],
  "501": errorResponse("A check or challenge other than user and password (code 12, PWSVC-SES01)."),
  "503": readErrors["503"],
};

const sessionIdParameter = { name: "session_id", in: "path", required: true, schema: { type: "string", minLength: 1, maxLength: 200 } };

const sessionBody = (ref: string) => ({ required: false, content: { "application/json": { schema: { $ref: `#/components/schemas/${ref}` } } } });

const userIdParameter = { name: "user_id", in: "path", required: true, schema: { type: "string", minLength: 1, maxLength: 200 } };

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
      "(GetMyPasswordComplexityPolicy, Settings v2), ZITADEL v2's PasswordReset and SetPassword, ZITADEL v2's SessionService (sign-in with user and password checks), and our own passwordservice.v1.PasswordService; gRPC reflection describes those.",
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
    [PASSWORD_RESET_PATH]: {
      post: {
        operationId: "PasswordReset",
        summary: "Make a one-time code to reset a user's password",
        description:
          "Mails the code (sendLink, or no medium) through SMTP_URL with a link from urlTemplate or RESET_URL_TEMPLATE, or returns it (returnCode) and mails nothing. For the login client, the password-service:admin role for the user's organisation, or the user themself by mail.",
        tags: ["UserService"],
        security: [{ bearerAuth: [] }],
        parameters: [userIdParameter],
        requestBody: { required: false, content: { "application/json": { schema: { $ref: "#/components/schemas/PasswordResetRequest" } } } },
        responses: { "200": json("The code was made (and mailed, or returned).", "PasswordResetResponse"), ...userErrors },
      },
    },
    [SET_PASSWORD_PATH]: {
      post: {
        operationId: "SetPassword",
        summary: "Set a user's password, proven by the current one or a reset code, or by an administrator",
        description:
          "With currentPassword: the user, the login client or an administrator of the user's organisation, as a change. With verificationCode: the same callers. With neither: an administrator of the user's organisation. Without the current password, every token of the user is revoked.",
        tags: ["UserService"],
        security: [{ bearerAuth: [] }],
        parameters: [userIdParameter],
        requestBody: { required: true, content: { "application/json": { schema: { $ref: "#/components/schemas/SetPasswordRequest" } } } },
        responses: { "200": json("The password was set.", "SetPasswordResponse"), ...userErrors },
      },
    },
    [SESSIONS_PATH]: {
      post: {
        operationId: "CreateSession",
        summary: "Create a sign-in session, with its user and password checks",
        description:
          "ZITADEL v2's CreateSession: checks.user (userId or loginName) and checks.password. Needs the password-service:login-client role. The session token answered is a bearer for this service's APIs once a user and a password are checked.",
        tags: ["SessionService"],
        security: [{ bearerAuth: [] }],
        requestBody: sessionBody("CreateSessionRequest"),
        responses: { "201": json("The session was created.", "CreateSessionResponse"), ...sessionErrorResponses },
      },
    },
    [SESSIONS_SEARCH_PATH]: {
      post: {
        operationId: "ListSessions",
        summary: "List the sessions the caller may see",
        description: "By IDs, user ID, creation date, creator and user agent; ZITADEL's ListQuery pages and orders by creation date.",
        tags: ["SessionService"],
        security: [{ bearerAuth: [] }],
        requestBody: sessionBody("ListSessionsRequest"),
        responses: { "200": json("The sessions.", "ListSessionsResponse"), ...sessionErrorResponses },
      },
    },
    [SESSION_PATH]: {
      get: {
        operationId: "GetSession",
        summary: "Read a session",
        description: "For its creator, its checked user, whoever holds its token (session_token), or an administrator of its user's organisation.",
        tags: ["SessionService"],
        security: [{ bearerAuth: [] }],
        parameters: [sessionIdParameter, { name: "session_token", in: "query", schema: { type: "string" } }],
        responses: { "200": json("The session.", "GetSessionResponse"), ...sessionErrorResponses },
      },
      patch: {
        operationId: "SetSession",
        summary: "Add checks, metadata or a lifetime to a session; a new token replaces the old",
        tags: ["SessionService"],
        security: [{ bearerAuth: [] }],
        parameters: [sessionIdParameter],
        requestBody: sessionBody("SetSessionRequest"),
        responses: { "200": json("The session was updated.", "SetSessionResponse"), ...sessionErrorResponses },
      },
      delete: {
        operationId: "DeleteSession",
        summary: "End a session",
        tags: ["SessionService"],
        security: [{ bearerAuth: [] }],
        parameters: [sessionIdParameter],
        requestBody: sessionBody("DeleteSessionRequest"),
        responses: { "200": json("The session ended.", "DeleteSessionResponse"), ...sessionErrorResponses },
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
      PasswordResetRequest: {
        type: "object",
        description: "At most one of sendLink and returnCode; neither is sendLink with the defaults. Unknown fields are ignored.",
        properties: {
          sendLink: {
            type: "object",
            properties: {
              notificationType: { enum: ["NOTIFICATION_TYPE_Unspecified", "NOTIFICATION_TYPE_Email", "NOTIFICATION_TYPE_SMS", 0, 1, 2] },
              urlTemplate: { type: "string", minLength: 1, maxLength: 200, description: "With {{.UserID}}, {{.Code}} and {{.OrgID}}, and no other placeholder." },
            },
          },
          returnCode: { type: "object" },
        },
      },
      PasswordResetResponse: {
        type: "object",
        properties: {
          details: { $ref: "#/components/schemas/V2Details" },
          verificationCode: { type: "string", pattern: "^[A-Z0-9]{6,20}$", description: "Only for returnCode." },
        },
        required: ["details"],
        additionalProperties: false,
      },
      SetPasswordRequest: {
        type: "object",
        description: "newPassword and one of currentPassword and verificationCode. Unknown fields are ignored.",
        properties: {
          newPassword: {
            type: "object",
            properties: {
              password: { type: "string", minLength: 1, maxLength: 200, description: "ZITADEL's limit is 200 characters; here at most 72 bytes of UTF-8, all that bcrypt reads." },
              changeRequired: { type: "boolean" },
            },
            required: ["password"],
          },
          currentPassword: { type: "string", minLength: 1, maxLength: 200, description: "ZITADEL's limit is 200 characters; here up to 1024 bytes, so that a password set elsewhere can be proven." },
          verificationCode: { type: "string", minLength: 1, maxLength: 20 },
        },
        required: ["newPassword"],
      },
      SetPasswordResponse: {
        type: "object",
        properties: { details: { $ref: "#/components/schemas/V2Details" } },
        required: ["details"],
        additionalProperties: false,
      },
      V2Details: {
        type: "object",
        description: "zitadel.object.v2.Details: the user's sequence (unchanged by a reset request), when, and the user's organisation.",
        properties: {
          sequence: { $ref: "#/components/schemas/Uint64" },
          changeDate: { type: "string", format: "date-time" },
          resourceOwner: { type: "string" },
          creationDate: { type: "string", format: "date-time" },
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
      CreateSessionRequest: {
        type: "object",
        description: "zitadel.session.v2.CreateSessionRequest in proto3 JSON: checks, metadata (base64 values), userAgent, lifetime (\"3600s\"). Unknown fields are ignored.",
      },
      SetSessionRequest: { type: "object", description: "zitadel.session.v2.SetSessionRequest in proto3 JSON; the session ID is in the path." },
      DeleteSessionRequest: { type: "object", description: "Optionally sessionToken: whoever holds it may end the session." },
      ListSessionsRequest: { type: "object", description: "zitadel.session.v2.ListSessionsRequest in proto3 JSON: query (offset, limit, asc) and queries." },
      CreateSessionResponse: {
        type: "object",
        properties: {
          details: { $ref: "#/components/schemas/V2Details" },
          sessionId: { type: "string" },
          sessionToken: { type: "string", description: "256 random bits; only its hash is kept." },
        },
        required: ["details", "sessionId", "sessionToken"],
        additionalProperties: false,
      },
      SetSessionResponse: {
        type: "object",
        properties: { details: { $ref: "#/components/schemas/V2Details" }, sessionToken: { type: "string" } },
        required: ["details", "sessionToken"],
        additionalProperties: false,
      },
      DeleteSessionResponse: {
        type: "object",
        properties: { details: { $ref: "#/components/schemas/V2Details" } },
        required: ["details"],
        additionalProperties: false,
      },
      GetSessionResponse: {
        type: "object",
        properties: { session: { $ref: "#/components/schemas/Session" } },
        required: ["session"],
        additionalProperties: false,
      },
      ListSessionsResponse: {
        type: "object",
        properties: {
          details: {
            type: "object",
            properties: { totalResult: { $ref: "#/components/schemas/Uint64" }, processedSequence: { $ref: "#/components/schemas/Uint64" }, timestamp: { type: "string", format: "date-time" } },
            additionalProperties: false,
          },
          sessions: { type: "array", items: { $ref: "#/components/schemas/Session" } },
        },
        required: ["details"],
        additionalProperties: false,
      },
      Session: {
        type: "object",
        description: "zitadel.session.v2.Session: factors.user and factors.password once checked; metadata values in base64.",
        properties: {
          id: { type: "string" },
          creationDate: { type: "string", format: "date-time" },
          changeDate: { type: "string", format: "date-time" },
          sequence: { $ref: "#/components/schemas/Uint64" },
          factors: { type: "object" },
          metadata: { type: "object", additionalProperties: { type: "string" } },
          userAgent: { type: "object" },
          expirationDate: { type: "string", format: "date-time" },
        },
        required: ["id", "creationDate", "changeDate", "sequence"],
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
