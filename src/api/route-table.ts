import {
  type DescField,
  type DescMessage,
  type DescMethodUnary,
  type DescService,
  getOption,
  hasOption,
  type JsonObject,
  type JsonValue,
  type MessageShape,
  ScalarType,
} from "@bufbuild/protobuf";
import { http } from "../../gen/google/api/annotations_pb.js";
import type { HttpRule } from "../../gen/google/api/http_pb.js";
import { http_success_code } from "../../gen/passwordservice/v1/http_options_pb.js";
import { ServiceError } from "../core/errors.js";
import { messageFromJson } from "./json-request.js";
import { isUnary } from "./services.js";

/**
 * Where ZITADEL mounts a service's REST gateway when not at the root: its v1
 * APIs under their base path (auth.proto's openapiv2 base_path); the v2
 * APIs' paths are whole.
 */
const BASE_PATHS: Record<string, string> = { "zitadel.auth.v1.AuthService": "/auth/v1" };

/** One segment of a path template: literal text, or a wildcard of one (`*`) or any number (`**`, last only) of segments. */
type Piece = { literal: string } | { wildcard: "*" | "**" };

/** A `{field.path=pattern}` of a template: the request field it fills, and the pieces it spans. */
export interface PathVariable {
  fieldPath: string;
  fields: DescField[];
  from: number;
  to: number;
}

/** One google.api.http binding of an RPC. */
export interface RestRoute {
  method: DescMethodUnary;
  /** `package.Service/Method`, for log lines and metrics. */
  rpc: string;
  /** The HTTP method, upper case. */
  verb: string;
  /** The path template, under the service's base path. */
  template: string;
  /** The template as OpenAPI names it, each variable as `{field.path}`. */
  path: string;
  pieces: Piece[];
  variables: PathVariable[];
  /** google.api.http's `body`: "*" (every field not in the path), a top-level field's name, or "" (none). */
  body: string;
  /** 200 unless the RPC's passwordservice.v1.http_success_code says otherwise. */
  successCode: number;
}

/** A request path's route. */
export interface RestMatch {
  /** The route of the path and method; when the method is not one the path serves, the path's first route. */
  route: RestRoute;
  methodAllowed: boolean;
  /** The methods the path serves, for a 405's Allow. */
  allowed: string[];
  /** Each variable's raw (still percent-encoded) segments. */
  captures: Map<PathVariable, string[]>;
}

export interface RouteTable {
  routes: RestRoute[];
  /** The route of a request, or undefined when no template matches its path. HEAD is served as GET. */
  resolve(path: string, method: string | undefined): RestMatch | undefined;
}

/** Every REST route of `services`, read from their methods' google.api.http options. */
export function routeTable(services: DescService[]): RouteTable {
  const routes = services.flatMap(routesOf);
  // Routes whose templates match the same paths (whatever their variables' names) serve one resource, by method.
  const shapes = new Map<string, RestRoute[]>();
  for (const route of routes) {
    const shape = route.pieces.map((p) => ("literal" in p ? p.literal : p.wildcard)).join("/");
    shapes.set(shape, [...(shapes.get(shape) ?? []), route]);
  }
  // A path that two templates match is the one's with more literal segments (/v2/sessions/search, not {session_id}).
  const resources = [...shapes.values()].sort((a, b) => literals(b[0]) - literals(a[0]));
  return {
    routes,
    resolve(path, method) {
      const segments = path.split("/").slice(1);
      if (!path.startsWith("/") || segments.some(isDotSegment)) return undefined;
      for (const same of resources) {
        const starts = matchPieces(same[0].pieces, segments);
        if (starts) return matchOf(same, method === "HEAD" ? "GET" : method, segments, starts);
      }
      return undefined;
    },
  };
}

/** One resource's route for the method (or, for a 405, its first), and the segments each variable spans. */
function matchOf(routes: RestRoute[], verb: string | undefined, segments: string[], starts: number[]): RestMatch {
  const route = routes.find((r) => r.verb === verb);
  const served = route ?? routes[0];
  const captures = new Map(served.variables.map((v) => [v, segments.slice(starts[v.from], starts[v.to])]));
  return { route: served, methodAllowed: route !== undefined, allowed: routes.map((r) => r.verb), captures };
}

/**
 * The request message of a REST call, as grpc-gateway builds it: the body
 * (all of it for `*`, else the named field), then query parameters for the
 * fields neither binds, then the path's variables over both.
 */
export function requestMessage(match: RestMatch, query: URLSearchParams, body: JsonObject | undefined): MessageShape<DescMessage> {
  const { route } = match;
  const input = route.method.input;
  const json: JsonObject = route.body === "*" ? { ...body } : {};
  if (route.body && route.body !== "*") setAt(json, fieldsOf(input, route.body), body ?? {});
  if (route.body !== "*") setQuery(json, route, query);
  for (const [variable, segments] of match.captures) setAt(json, variable.fields, decoded(segments, variable.fieldPath));
  return messageFromJson(input, json, route.body ? "request body" : "query string");
}

function routesOf(service: DescService): RestRoute[] {
  const base = BASE_PATHS[service.typeName] ?? "";
  return service.methods.filter(isUnary).flatMap((method) => {
    if (!hasOption(method, http)) return [];
    const rule = getOption(method, http);
    return [rule, ...rule.additionalBindings].map((binding) => routeOf(method, base, binding));
  });
}

function routeOf(method: DescMethodUnary, base: string, rule: HttpRule): RestRoute {
  const { pattern } = rule;
  if (pattern.case === undefined) throw new Error(`${method.parent.typeName}.${method.name}: a google.api.http binding without a path`);
  const [verb, template] = pattern.case === "custom" ? [pattern.value.kind, pattern.value.path] : [pattern.case.toUpperCase(), pattern.value];
  const full = base + template;
  return {
    method,
    rpc: `${method.parent.typeName}/${method.name}`,
    verb,
    template: full,
    path: full.replace(/\{([^}=]+)=[^}]*\}/g, "{$1}"),
    ...parseTemplate(full, method.input),
    body: rule.body,
    successCode: getOption(method, http_success_code) || 200,
  };
}

/** google.api.http's template grammar, but for the verb suffix (`:verb`), which no route here has. */
function parseTemplate(template: string, input: DescMessage): { pieces: Piece[]; variables: PathVariable[] } {
  if (!template.startsWith("/") || template.includes(":")) throw new Error(`unsupported path template ${template}`);
  const pieces: Piece[] = [];
  const variables: PathVariable[] = [];
  for (const token of template.slice(1).match(/\{[^}]*\}|[^/]+/g) ?? []) {
    if (!token.startsWith("{")) {
      pieces.push(pieceOf(token));
      continue;
    }
    const [fieldPath, pattern = "*"] = token.slice(1, -1).split("=");
    const from = pieces.length;
    pieces.push(...pattern.split("/").map(pieceOf));
    variables.push({ fieldPath, fields: fieldsOf(input, fieldPath), from, to: pieces.length });
  }
  return { pieces, variables };
}

function pieceOf(text: string): Piece {
  return text === "*" || text === "**" ? { wildcard: text } : { literal: text };
}

/** The fields a dotted path of proto names walks through; a path the message lacks is a mistake in the proto. */
function fieldsOf(message: DescMessage, fieldPath: string): DescField[] {
  const fields = walk(message, fieldPath, false);
  if (!fields) throw new Error(`${message.typeName} has no field ${fieldPath}`);
  return fields;
}

/** The fields a dotted path walks through, by proto names (or JSON names too), if the message has them all. */
function walk(message: DescMessage, fieldPath: string, jsonNames: boolean): DescField[] | undefined {
  const fields: DescField[] = [];
  let current: DescMessage | undefined = message;
  for (const name of fieldPath.split(".")) {
    const field: DescField | undefined = current?.fields.find((f) => f.name === name || (jsonNames && f.jsonName === name));
    if (!field) return undefined;
    fields.push(field);
    current = field.fieldKind === "message" ? field.message : undefined;
  }
  return fields;
}

/** Where each piece begins among the segments (and where the last ends), if the pieces match them all. */
function matchPieces(pieces: Piece[], segments: string[]): number[] | undefined {
  const starts: number[] = [];
  let at = 0;
  for (const piece of pieces) {
    starts.push(at);
    if ("wildcard" in piece && piece.wildcard === "**") {
      if (segments.slice(at).includes("")) return undefined;
      at = segments.length;
      continue;
    }
    const segment = segments[at];
    // An empty segment (`//`, a trailing `/`) matches nothing.
    if (!segment || ("literal" in piece && piece.literal !== segment)) return undefined;
    at++;
  }
  starts.push(at);
  return at === segments.length ? starts : undefined;
}

function literals(route: RestRoute): number {
  return route.pieces.filter((p) => "literal" in p).length;
}

/**
 * `.` and `..`, plain or percent-encoded: a client resolves them before it
 * sends (RFC 3986 §5.2.4), and a proxy in front may have resolved them
 * otherwise than they would be read here. Such a path matches no route.
 */
function isDotSegment(segment: string): boolean {
  return /^(\.|%2e){1,2}$/i.test(segment);
}

function decoded(segments: string[], fieldPath: string): string {
  try {
    return segments.map(decodeURIComponent).join("/");
  } catch {
    throw new ServiceError("invalid-argument", undefined, `the ${fieldPath} in the path is not valid percent-encoding`);
  }
}

/** Sets a field, by its JSON name, at the end of a path, over whichever spelling was there. */
function setAt(json: JsonObject, fields: DescField[], value: JsonValue): void {
  let target = json;
  fields.forEach((field, i) => {
    const existing = target[field.jsonName] ?? target[field.name];
    delete target[field.name];
    if (i === fields.length - 1) {
      target[field.jsonName] = value;
      return;
    }
    const next: JsonObject = existing !== null && typeof existing === "object" && !Array.isArray(existing) ? { ...existing } : {};
    target[field.jsonName] = next;
    target = next;
  });
}

/**
 * Query parameters, named by dotted field paths in proto or JSON names
 * (`ctx.orgId`, `ctx.org_id`), for scalar and enum fields; others are
 * ignored, as grpc-gateway ignores them, and so are those the path binds.
 */
function setQuery(json: JsonObject, route: RestRoute, query: URLSearchParams): void {
  const byField = new Map<string, { key: string; fields: DescField[]; values: string[] }>();
  for (const key of new Set(query.keys())) {
    const fields = queryFieldsOf(route.method.input, key);
    if (!fields) continue;
    const path = fields.map((f) => f.name).join(".");
    if (route.variables.some((v) => v.fieldPath === path) || fields[0].name === route.body) continue;
    const entry = byField.get(path) ?? { key, fields, values: [] };
    entry.values.push(...query.getAll(key));
    byField.set(path, entry);
  }
  for (const { key, fields, values } of byField.values()) {
    const field = fields[fields.length - 1];
    if (field.fieldKind !== "list" && values.length > 1) throw badQuery(`query parameter "${key}" is given more than once`);
    const value = field.fieldKind === "list" ? values.map((v) => queryValue(field, key, v)) : queryValue(field, key, values[0]);
    setAt(json, fields, value);
  }
}

function queryFieldsOf(message: DescMessage, key: string): DescField[] | undefined {
  const fields = walk(message, key, true);
  const last = fields?.[fields.length - 1];
  const plain = last?.fieldKind === "scalar" || last?.fieldKind === "enum" || (last?.fieldKind === "list" && last.listKind !== "message");
  return plain ? fields : undefined;
}

/** A query value as proto3 JSON reads it: booleans and enum numbers converted, everything else its text. */
function queryValue(field: DescField, key: string, text: string): JsonValue {
  const scalar = field.fieldKind === "scalar" || (field.fieldKind === "list" && field.listKind === "scalar") ? field.scalar : undefined;
  if (scalar === ScalarType.BOOL) {
    if (text !== "true" && text !== "false") throw badQuery(`query parameter "${key}" must be true or false`);
    return text === "true";
  }
  const isEnum = field.fieldKind === "enum" || (field.fieldKind === "list" && field.listKind === "enum");
  return isEnum && /^-?\d+$/.test(text) ? Number(text) : text;
}

function badQuery(message: string): ServiceError {
  return new ServiceError("invalid-argument", undefined, message);
}
