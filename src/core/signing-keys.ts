/**
 * Where the self-issuer's key lives: the database, so that every process
 * shares it. `create` makes the key when none is stored under `name`; of
 * processes that race on first use, all get the one stored first.
 */
export interface SigningKeyStore {
  signingKey(name: string, create: () => Promise<string>): Promise<string>;
}
