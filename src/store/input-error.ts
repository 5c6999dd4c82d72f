/** A mistake in an administrative command (unknown user, duplicate name): one line, exit code 2. */
export class StoreInputError extends Error {}
