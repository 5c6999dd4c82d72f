import { randomInt } from "node:crypto";

/**
 * Time-ordered 64-bit IDs as decimal strings, like ZITADEL's sonyflake IDs:
 * 41 bits of milliseconds since 2024-01-01, 10 bits of generator (random per
 * process, so several processes rarely collide and the database's unique keys
 * catch it when they do), 12 bits of counter within the millisecond.
 */
const EPOCH = 1_704_067_200_000n;

export class IdGenerator {
  private lastMs = 0n;
  private counter = 0n;

  constructor(
    private readonly generator = BigInt(randomInt(1024)),
    private readonly now = () => Date.now(),
  ) {}

  next(): string {
    let ms = BigInt(this.now()) - EPOCH;
    if (ms < this.lastMs) ms = this.lastMs; // the clock stepped back: stay monotonic
    if (ms === this.lastMs) {
      this.counter = (this.counter + 1n) & 0xfffn;
      if (this.counter === 0n) ms += 1n; // counter wrapped: borrow the next millisecond
    } else {
      this.counter = 0n;
    }
    this.lastMs = ms;
    return ((ms << 22n) | (this.generator << 12n) | this.counter).toString();
  }
}

/**
 * An ID as an issuer writes its token subjects: ZITADEL's decimal IDs, a
 * UUID, `auth0|abc123`. Any 1 to 200 bytes of printable ASCII without spaces.
 */
export function isValidId(id: string): boolean {
  return /^[\x21-\x7e]{1,200}$/.test(id);
}
