import { createHash } from "node:crypto";

/** SHA-256 (hex) of a token: names it (a JWT's fingerprint, a session's stored token) without keeping it. */
export function tokenFingerprint(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
