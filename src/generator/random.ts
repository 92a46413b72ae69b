import { randomFillSync } from 'node:crypto'

// The random source of the generator: uniform integers from the operating system's CSPRNG.
//
// One randomFillSync call per index would cost a system call each; instead the bytes come from a pool that is
// refilled whole when it runs dry. Each process has its own pool (cluster workers are separate processes, not
// forks of a filled pool), and a byte is never used twice.
//
// Uniformity: a draw of w bytes is a uniform integer x in [0, 2^(8w)). Taking x % n directly would favour the small
// residues whenever n does not divide 2^(8w), so x is accepted only below limit = 2^(8w) - (2^(8w) % n), the
// largest multiple of n that fits, and redrawn otherwise. Every residue then has exactly limit / n preimages.
// The width is the smallest of 1, 2 or 4 bytes that covers n, so at least half of all draws are accepted.

const POOL_SIZE = 8192
const pool = Buffer.alloc(POOL_SIZE)
let offset = POOL_SIZE

const TWO_POW_16 = 0x1_0000
const TWO_POW_32 = 0x1_0000_0000

function refill (): void {
  randomFillSync(pool)
  offset = 0
}

/** A uniform random integer in [0, n), for integer n with 1 <= n <= 2^32. */
export function randomIndex (n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) {
    throw new RangeError(`randomIndex needs an integer n with 1 <= n <= 2^32, got ${n}`)
  }
  if (n <= 256) {
    const limit = 256 - (256 % n)
    for (;;) {
      if (offset === POOL_SIZE) refill()
      const x = pool[offset++]!
      if (x < limit) return x % n
    }
  }
  if (n <= TWO_POW_16) {
    const limit = TWO_POW_16 - (TWO_POW_16 % n)
    for (;;) {
      if (offset > POOL_SIZE - 2) refill()
      const x = (pool[offset]! << 8) | pool[offset + 1]!
      offset += 2
      if (x < limit) return x % n
    }
  }
  const limit = TWO_POW_32 - (TWO_POW_32 % n)
  for (;;) {
    if (offset > POOL_SIZE - 4) refill()
    const x = pool.readUInt32BE(offset)
    offset += 4
    if (x < limit) return x % n
  }
}

/** A uniformly chosen element of a non-empty array. */
export function randomChoice<T> (items: readonly T[]): T {
  if (items.length === 0) {
    throw new RangeError('randomChoice needs at least one item')
  }
  return items[randomIndex(items.length)] as T
}
