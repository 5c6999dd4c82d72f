import { type DescField, type DescMessage, ScalarType } from "@bufbuild/protobuf";
import { URL_TEMPLATE_MAX_LENGTH } from "../core/url-template.js";
import { BCRYPT_MAX_BYTES } from "../core/password-hasher.js";
import { OLD_PASSWORD_MAX_BYTES } from "./change-endpoint.js";
import { CODE_MAX, FIELD_MAX } from "./field-bounds.js";
import { REST_ROUTES } from "./rest.js";
import type { RestRoute } from "./route-table.js";
import { LIST_MAX, USER_AGENT_FIELD_MAX } from "./session-endpoint.js";

type Schema = Record<string, unknown>;
/** Requests' schemas state what the endpoints demand and allow unknown fields; responses' are exactly what is written. */
type Direction = "request" | "response";

const id: Schema = { minLength: 1, maxLength: FIELD_MAX };

/** What the endpoints demand of request fields, by full field name, from the bounds they check. */
const FIELD_RULES: Record<string, Schema & { required?: true }> = {
  "zitadel.auth.v1.UpdateMyPasswordRequest.old_password": { required: true, minLength: 1, description: `At most ${OLD_PASSWORD_MAX_BYTES} bytes of UTF-8.` },
  "zitadel.auth.v1.UpdateMyPasswordRequest.new_password": { required: true, minLength: 1, description: `At most ${BCRYPT_MAX_BYTES} bytes of UTF-8.` },
  "zitadel.user.v2.PasswordResetRequest.user_id": id,
  "zitadel.user.v2.SetPasswordRequest.user_id": id,
  "zitadel.user.v2.SendPasswordResetLink.url_template": {
    minLength: 1,
    maxLength: URL_TEMPLATE_MAX_LENGTH,
    description: "With {{.UserID}}, {{.Code}} and {{.OrgID}}, and no other placeholder.",
  },
  "zitadel.user.v2.SetPasswordRequest.new_password": { required: true },
  "zitadel.user.v2.Password.password": {
    required: true,
    ...id,
    description: `ZITADEL's limit is ${FIELD_MAX} characters; here at most ${BCRYPT_MAX_BYTES} bytes of UTF-8, all that bcrypt reads.`,
  },
  "zitadel.user.v2.SetPasswordRequest.current_password": {
    ...id,
    description: `ZITADEL's limit is ${FIELD_MAX} characters; here up to ${OLD_PASSWORD_MAX_BYTES} bytes, so that a password set elsewhere can be proven.`,
  },
  "zitadel.user.v2.SetPasswordRequest.verification_code": { minLength: 1, maxLength: CODE_MAX },
  "zitadel.session.v2.GetSessionRequest.session_id": id,
  "zitadel.session.v2.SetSessionRequest.session_id": id,
  "zitadel.session.v2.DeleteSessionRequest.session_id": id,
  "zitadel.session.v2.CheckUser.user_id": id,
  "zitadel.session.v2.CheckUser.login_name": id,
  "zitadel.session.v2.CheckPassword.password": { minLength: 1, description: `At most ${OLD_PASSWORD_MAX_BYTES} bytes of UTF-8.` },
  "zitadel.session.v2.UserAgent.fingerprint_id": { maxLength: USER_AGENT_FIELD_MAX },
  "zitadel.session.v2.UserAgent.ip": { maxLength: USER_AGENT_FIELD_MAX },
  "zitadel.session.v2.UserAgent.description": { maxLength: USER_AGENT_FIELD_MAX },
  "zitadel.object.v2.ListQuery.limit": { maximum: LIST_MAX },
};

/** The well-known types' proto3 JSON forms. */
const WELL_KNOWN: Record<string, Schema> = {
  "google.protobuf.Timestamp": { type: "string", format: "date-time" },
  "google.protobuf.Duration": { type: "string", pattern: "^-?[0-9]+(\\.[0-9]{1,9})?s$" },
  "google.protobuf.Struct": { type: "object" },
};

const status = (description: string) => ({ description, content: { "application/json": { schema: { $ref: "#/components/schemas/Status" } } } });

/** The one overlay of errors, the same on every route: what any REST call may answer besides its success. */
const ERROR_RESPONSES = {
  "400": status("Invalid request (code 3), or the state of the user or session refuses it (code 9)."),
  "401": {
    ...status("No, a malformed or an invalid bearer token (code 16)."),
    headers: { "WWW-Authenticate": { schema: { type: "string" }, description: "The Bearer challenge." } },
  },
  "403": status("The token may not do this (code 7): see docs/resets.md and the README's roles."),
  "404": status("No such user, organisation or session (code 5)."),
  "405": status("A method the path does not serve; Allow names those it does."),
  "409": status("Another request changed the same user or session first (code 10)."),
  "413": status("The body is larger than MAX_BODY_BYTES."),
  "415": status("A content type other than JSON."),
  "429": {
    ...status("At capacity, the user's check under way or in its tarpit, or too many resets (code 8)."),
    headers: { "Retry-After": { schema: { type: "integer" }, description: "Seconds after which a retry may succeed." } },
  },
  "500": status("An internal error (code 13)."),
  "501": status("What this service does not implement: a reset by SMS, a check or challenge other than user and password (code 12)."),
  "503": status("The database or the token issuer's keys cannot be reached (code 14)."),
};

const probe = (description: string) => ({ description, content: { "application/json": { schema: { $ref: "#/components/schemas/Probe" } } } });

/** Hand-written: the error body, its detail, and the probes', which no proto describes. */
const OVERLAY_SCHEMAS = {
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
      "@type": { type: "string", enum: ["type.googleapis.com/zitadel.v1.ErrorDetail", "type.googleapis.com/zitadel.v1.CredentialsCheckError"] },
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
};

const PROBES = {
  "/healthz": { get: { operationId: "Liveness", summary: "The process is alive", tags: ["Operations"], responses: { "200": probe("Alive.") } } },
  "/readyz": {
    get: {
      operationId: "Readiness",
      summary: "The service can serve: its database answers and it is not shutting down",
      tags: ["Operations"],
      responses: { "200": probe("Ready."), "503": probe("Not ready.") },
    },
  },
};

/**
 * OpenAPI 3.1 for the REST routes, derived from the route table and the
 * messages' descriptors, and the probes. Served at `/openapi.json`; the
 * tests check it with an OpenAPI validator and check every REST answer they
 * see against it.
 */
export const OPENAPI_DOCUMENT = openApiDocument(REST_ROUTES.routes);

function openApiDocument(routes: RestRoute[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  const schemas: Record<string, Schema> = {};
  const owners = new Map<string, DescMessage>();
  const name = (message: DescMessage, schema: Schema) => {
    if ((owners.get(message.name) ?? message) !== message) throw new Error(`two messages named ${message.name}`);
    owners.set(message.name, message);
    schemas[message.name] = schema;
    return { $ref: `#/components/schemas/${message.name}` };
  };
  const json = (schema: Schema) => ({ "application/json": { schema } });
  for (const route of routes) {
    const { input, output } = route.method;
    const body = route.body === "*" ? name(input, bodySchema(route)) : route.body ? fieldSchema(topField(input, route.body), "request") : undefined;
    const parameters = [...pathParameters(route), ...queryParameters(route)];
    paths[route.path] ??= {};
    paths[route.path][route.verb.toLowerCase()] = {
      operationId: operationId(route, routes),
      tags: [route.method.parent.name],
      security: [{ bearerAuth: [] }],
      ...(parameters.length ? { parameters } : {}),
      // A PUT's body is the whole message; a POST's or PATCH's may be left out (the empty message).
      ...(body ? { requestBody: { required: route.verb === "PUT" || hasRequired(route), content: json(body) } } : {}),
      responses: { [route.successCode]: { description: "OK", content: json(name(output, messageSchema(output, "response"))) }, ...ERROR_RESPONSES },
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "password-service",
      version: "1.0.0",
      description:
        "ZITADEL's password endpoints as grpc-gateway serves them: the REST routes of every RPC whose proto carries a google.api.http " +
        "option. The same RPCs are served over gRPC, gRPC-Web and Connect, beside our own passwordservice.v1.PasswordService; gRPC reflection describes those.",
    },
    paths: { ...paths, ...PROBES },
    components: {
      securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
      schemas: { ...schemas, ...OVERLAY_SCHEMAS },
    },
  };
}

/** The method's name; an additional binding's gets its place among the method's routes, as operation IDs are unique. */
function operationId(route: RestRoute, routes: RestRoute[]): string {
  const index = routes.filter((r) => r.method === route.method).indexOf(route);
  return index === 0 ? route.method.name : `${route.method.name}${index + 1}`;
}

/** A `*` body: every field of the request but those in the path. */
function bodySchema(route: RestRoute): Schema {
  const inPath = route.variables.filter((v) => v.fields.length === 1).map((v) => v.fields[0]);
  return messageSchema(route.method.input, "request", inPath);
}

function hasRequired(route: RestRoute): boolean {
  return route.method.input.fields.some((f) => FIELD_RULES[`${f.parent.typeName}.${f.name}`]?.required && !route.variables.some((v) => v.fields[0] === f));
}

function topField(message: DescMessage, name: string): DescField {
  return message.fields.find((f) => f.name === name)!;
}

function pathParameters(route: RestRoute): Schema[] {
  return route.variables.map((v) => ({ name: v.fieldPath, in: "path", required: true, schema: fieldSchema(v.fields[v.fields.length - 1], "request") }));
}

/** The fields neither the path nor the body binds, by their dotted JSON names, as the route table reads them from the query. */
function queryParameters(route: RestRoute): Schema[] {
  if (route.body === "*") return [];
  const bound = new Set([route.body, ...route.variables.map((v) => v.fieldPath)]);
  const walk = (message: DescMessage, jsonPrefix: string, protoPrefix: string): Schema[] =>
    message.fields.flatMap((field) => {
      const protoPath = protoPrefix + field.name;
      if (bound.has(protoPath) || field.fieldKind === "map") return [];
      if (field.fieldKind === "message") {
        return WELL_KNOWN[field.message.typeName] ? [] : walk(field.message, `${jsonPrefix}${field.jsonName}.`, `${protoPath}.`);
      }
      if (field.message) return [];
      return [{ name: jsonPrefix + field.jsonName, in: "query", schema: fieldSchema(field, "request") }];
    });
  return walk(route.method.input, "", "");
}

function messageSchema(message: DescMessage, direction: Direction, omit: DescField[] = [], outer: DescMessage[] = []): Schema {
  if (WELL_KNOWN[message.typeName]) return WELL_KNOWN[message.typeName];
  // A message within itself is described once, then as any object.
  if (outer.includes(message)) return { type: "object" };
  const fields = message.fields.filter((f) => !omit.includes(f));
  const required = direction === "request" ? fields.filter((f) => FIELD_RULES[`${message.typeName}.${f.name}`]?.required).map((f) => f.jsonName) : [];
  return {
    type: "object",
    properties: Object.fromEntries(fields.map((f) => [f.jsonName, fieldSchema(f, direction, [...outer, message])])),
    ...(required.length ? { required } : {}),
    ...(direction === "response" ? { additionalProperties: false } : {}),
  };
}

function fieldSchema(field: DescField, direction: Direction, outer: DescMessage[] = []): Schema {
  const element = elementSchema(field, direction, outer);
  const schema =
    field.fieldKind === "list" ? { type: "array", items: element } : field.fieldKind === "map" ? { type: "object", additionalProperties: element } : element;
  if (direction === "response") return schema;
  const { required: _, ...rules } = FIELD_RULES[`${field.parent.typeName}.${field.name}`] ?? {};
  return { ...schema, ...rules };
}

/** A value of the field (an element, for a list or map) in proto3 JSON. */
function elementSchema(field: DescField, direction: Direction, outer: DescMessage[]): Schema {
  if (field.message) return messageSchema(field.message, direction, [], outer);
  if (field.enum) return { type: "string", enum: field.enum.values.map((v) => v.name) };
  switch (field.scalar) {
    case ScalarType.STRING:
      return { type: "string" };
    case ScalarType.BOOL:
      return { type: "boolean" };
    case ScalarType.BYTES:
      return { type: "string", contentEncoding: "base64" };
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      return { type: "number" };
    // 64-bit integers are strings in proto3 JSON.
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      return { type: "string", pattern: "^-?[0-9]+$" };
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return { type: "string", pattern: "^[0-9]+$" };
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return { type: "integer", minimum: 0 };
    default:
      return { type: "integer" };
  }
}
