import { type DescMessage, fromJson, type JsonObject, type JsonValue, type MessageShape } from "@bufbuild/protobuf";
import { ServiceError } from "../core/errors.js";

/** UTF-8 that refuses invalid bytes instead of replacing them. */
export const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** Fields that carry a secret (a password or a reset code), by their proto names. */
const SECRET_FIELDS = new Set(["old_password", "new_password", "password", "current_password", "verification_code"]);

/**
 * Parses a JSON request body with errors that quote none of it: V8's JSON
 * errors quote the text around the fault, and protobuf-es's quote a value of
 * the wrong type, and either may be a password.
 */
export function parseJsonRequest<T extends DescMessage>(schema: T, body: Uint8Array): MessageShape<T> {
  return messageFromJson(schema, parseJsonObject(body));
}

/** A request body that must be one JSON object, in UTF-8. */
export function parseJsonObject(body: Uint8Array): JsonObject {
  let json: JsonValue;
  try {
    json = JSON.parse(strictUtf8.decode(body)) as JsonValue;
  } catch {
    throw new ServiceError("invalid-argument", undefined, "request body is not valid JSON in UTF-8");
  }
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw new ServiceError("invalid-argument", undefined, "request body must be a JSON object");
  }
  return json;
}

/** A message from its proto3 JSON, unknown fields ignored; `source` names where the JSON came from in the error. */
export function messageFromJson<T extends DescMessage>(schema: T, json: JsonObject, source = "request body"): MessageShape<T> {
  checkSecretFields(schema, json);
  try {
    return fromJson(schema, json, { ignoreUnknownFields: true });
  } catch {
    // Both spellings of one field, two members of a oneof, or a string with a lone surrogate escape ("\ud800").
    throw new ServiceError("invalid-argument", undefined, `${source} is not a valid ${schema.name}`);
  }
}

/**
 * A secret string field given as anything but a string would be quoted by
 * protobuf-es's error: refused here in words of our own, in nested messages
 * too (SetPassword's new_password.password).
 */
function checkSecretFields(schema: DescMessage, json: JsonObject): void {
  for (const field of schema.fields) {
    for (const key of new Set([field.jsonName, field.name])) {
      const value = json[key];
      if (value === undefined || value === null) continue;
      if (field.fieldKind === "message" && typeof value === "object" && !Array.isArray(value)) {
        checkSecretFields(field.message, value);
      } else if (field.fieldKind === "scalar" && SECRET_FIELDS.has(field.name) && typeof value !== "string") {
        throw new ServiceError("invalid-argument", undefined, `invalid ${schema.name}: field "${key}" must be a string`);
      }
    }
  }
}
