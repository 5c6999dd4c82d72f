import { REST_PATH } from "./api/rest.js";

const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: { $ref: "#/components/schemas/Status" } } },
});

/**
 * OpenAPI 3.1 for the REST route, as ZITADEL's grpc-gateway serves it, and
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
      "gRPC-Web and Connect as zitadel.auth.v1.AuthService/UpdateMyPassword; gRPC reflection describes those.",
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
          resourceOwner: { type: "string", pattern: "^[0-9]+$", description: "The user's organisation ID." },
        },
        required: ["sequence", "changeDate", "resourceOwner"],
        additionalProperties: false,
      },
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
