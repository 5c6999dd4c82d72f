import { errors } from "./errors.js";

export type RevocationMode = "others" | "all" | "none";

/** What a password change left on the user: tokens issued before `validAfterMs` are refused, but for `exempt`. */
export interface TokenCutoff {
  validAfterMs: number;
  /** SHA-256 (hex) of the token that made the change, under `others`. */
  exempt: string | null;
}

export interface CutoffSource {
  tokenCutoff(userId: string): Promise<TokenCutoff | undefined>;
}

/**
 * Whether a token was issued before the cutoff. `iat` is in seconds, the
 * cutoff in milliseconds. An `iat` of whole seconds says "some time within
 * that second", so it counts from the second's start: a token from the very
 * second of a change is refused, as it may predate it (its holder logs in
 * again). Our own tokens carry a fractional `iat` (RFC 7519 allows it) of
 * millisecond precision, so for them the rule is exact: refused only if
 * issued before the change's millisecond.
 */
export function issuedBefore(iatSeconds: number, cutoffMs: number): boolean {
  return Math.round(iatSeconds * 1000) < cutoffMs;
}

/** Refuses, as "Token is invalid", a token that a later password change revoked. */
export class RevocationCheck {
  constructor(private readonly source: CutoffSource) {}

  async check(caller: TokenRef & { userId: string }): Promise<void> {
    // Read on every request, no cache: a change revokes at once on every process.
    if (revokes(await this.source.tokenCutoff(caller.userId), caller)) throw errors.tokenInvalid();
  }
}

/** A token, as the revocation cutoff judges it. */
export interface TokenRef {
  /** The token's iat, in seconds. */
  issuedAt: number;
  fingerprint: string;
}

/** Whether the cutoff a change left refuses this token. */
export function revokes(cutoff: TokenCutoff | undefined, token: TokenRef): boolean {
  if (!cutoff || token.fingerprint === cutoff.exempt) return false;
  return issuedBefore(token.issuedAt, cutoff.validAfterMs);
}
