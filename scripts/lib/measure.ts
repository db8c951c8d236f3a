/**
 * What the bench scripts share to measure: the median of interleaved rounds, and a loop that runs an
 * operation n times inside one Effect program (as a server handling many requests with one runtime).
 */
import * as Effect from "effect/Effect"

/** The median: the middle value, or the mean of the two middle ones. */
export const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

/** Runs `op` n times inside one Effect program. */
export const loop = <A, E, R>(n: number, op: () => Effect.Effect<A, E, R>): Effect.Effect<void, E, R> =>
  Effect.suspend(() => {
    let i = 0
    return Effect.whileLoop({ while: () => i++ < n, body: op, step: () => {} })
  })
