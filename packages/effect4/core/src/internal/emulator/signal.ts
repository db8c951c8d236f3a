import * as Effect from "effect/Effect"

/**
 * A version number that fibers can wait on: `notify` moves it forward, `after` waits until it has moved past
 * what a fiber last saw. Many notifications while a fiber is busy count as one, so a waiter that falls
 * behind costs nothing: it reads the latest state when it comes back, not every state in between.
 *
 * @internal
 */
export class Signal {
  private version = 0
  private readonly waiters = new Set<() => void>()

  /** The version now: what a reader of the state at this moment has seen. */
  get current(): number {
    return this.version
  }

  /** How many fibers are waiting (a closed console must leave none behind). */
  get waiting(): number {
    return this.waiters.size
  }

  notify(): void {
    this.version++
    if (this.waiters.size === 0) return
    const waiters = Array.from(this.waiters)
    this.waiters.clear()
    for (const waiter of waiters) waiter()
  }

  /** The version once it is past `seen`, waiting for a `notify` if it is not yet. */
  after(seen: number): Effect.Effect<number> {
    return Effect.callback<number>((resume) => {
      if (this.version > seen) {
        resume(Effect.succeed(this.version))
        return
      }
      const waiter = () => resume(Effect.succeed(this.version))
      this.waiters.add(waiter)
      return Effect.sync(() => {
        this.waiters.delete(waiter)
      })
    })
  }
}
