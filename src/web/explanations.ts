// Which of the page's words answer a refusal: by its error ID, else by its
// kind (request validation has no ID). The words are page-texts.ts's.
import type { ErrorId, ServiceError } from "../core/errors.js";
import type { PageTexts, PolicyFacts } from "./page-texts.js";

/** A refusal in plain words, with the policy's numbers when they are known. */
export function explain(texts: PageTexts, err: ServiceError, policy?: PolicyFacts): string[] {
  const known = err.id === undefined ? undefined : texts.errors[err.id as ErrorId];
  if (known) return known({ policy, failedAttempts: err.failedAttempts ?? 0 });
  switch (err.kind) {
    case "unauthenticated":
      return texts.page.signInAgain;
    case "invalid-argument":
      return err.message.includes("at most") ? texts.page.tooLong : texts.page.fillEveryField;
    case "resource-exhausted":
      return texts.page.busy;
    case "unavailable":
      return texts.page.unavailable;
    default:
      return texts.page.internal;
  }
}
