import { type DescMessage, fromJson, type JsonValue, type MessageShape } from "@bufbuild/protobuf";
import { ServiceError } from "../errors.js";

/** UTF-8 that refuses invalid bytes instead of replacing them. */
export const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** Fields that carry a password, in both JSON spellings. */
const PASSWORD_FIELDS = new Set(["oldPassword", "old_password", "newPassword", "new_password"]);

/**
 * Parses a JSON request body with errors that quote none of it: V8's JSON
 * errors quote the text around the fault, and protobuf-es's quote a value of
 * the wrong type, and either may be a password.
 */
export function parseJsonRequest<T extends DescMessage>(schema: T, body: Uint8Array): MessageShape<T> {
  let json: JsonValue;
  try {
    json = JSON.parse(strictUtf8.decode(body)) as JsonValue;
  } catch {
    throw new ServiceError("invalid-argument", undefined, "request body is not valid JSON in UTF-8");
  }
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw new ServiceError("invalid-argument", undefined, "request body must be a JSON object");
  }
  for (const [key, value] of Object.entries(json)) {
    if (PASSWORD_FIELDS.has(key) && value !== null && typeof value !== "string") {
      throw new ServiceError("invalid-argument", undefined, `invalid ${schema.name}: field "${key}" must be a string`);
    }
  }
  try {
    return fromJson(schema, json, { ignoreUnknownFields: true });
  } catch {
    // Both spellings of one field, or a string with a lone surrogate escape ("\ud800").
    throw new ServiceError("invalid-argument", undefined, `request body is not a valid ${schema.name}`);
  }
}
