import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"

/**
 * What one pull of {@link Log.following} takes: the entries, and how many older ones it skipped.
 *
 * @internal
 */
export interface Batch<A> {
  readonly skipped: number
  readonly entries: ReadonlyArray<A>
}

/**
 * An append-only record that fibers can wait on: `take` hands each entry to one taker, `stream` replays
 * the entries since the last `clear` and then follows new ones. Waiting is callback based, so nothing is
 * missed between reading the record and starting to wait (the runtime runs one fiber at a time). With a
 * `limit`, only the newest `limit` entries are kept: older ones leave as new ones come, as `clear` drops them.
 *
 * @internal
 */
export class Log<A> {
  private entries: Array<A> = []
  private taken: Array<boolean> = []
  /** Index in `entries` of the oldest entry kept: the ones before it are dropped, removed in bulk later. */
  private head = 0
  /** Absolute position of `entries[head]`: dropping moves it forward so running streams skip what went. */
  private base = 0
  private readonly waiters = new Set<() => boolean>()

  constructor(private readonly limit: number = Number.POSITIVE_INFINITY) {}

  get all(): ReadonlyArray<A> {
    return this.entries.slice(this.head)
  }

  /** The last `count` entries (fewer if there are fewer), oldest first. */
  last(count: number): ReadonlyArray<A> {
    return this.entries.slice(Math.max(this.head, this.entries.length - count))
  }

  /** How many fibers are waiting for an entry (a closed console must leave none behind). */
  get waiting(): number {
    return this.waiters.size
  }

  append(entry: A): void {
    this.entries.push(entry)
    this.taken.push(false)
    if (this.entries.length - this.head > this.limit) this.dropOldest()
    for (const waiter of Array.from(this.waiters)) {
      if (waiter()) this.waiters.delete(waiter)
    }
  }

  // One entry leaves; the array is cut once half of it is dropped entries, so appending stays O(1) amortized
  // and a log holds at most twice its limit (plus 1,024) in memory.
  private dropOldest(): void {
    this.head++
    this.base++
    if (this.head >= 1024 && this.head * 2 >= this.entries.length) {
      this.entries.splice(0, this.head)
      this.taken.splice(0, this.head)
      this.head = 0
    }
  }

  clear(): void {
    this.base = this.end
    this.entries = []
    this.taken = []
    this.head = 0
  }

  private takeNow(predicate: (a: A) => boolean): Option.Option<A> {
    for (let i = this.head; i < this.entries.length; i++) {
      const entry = this.entries[i]!
      if (!this.taken[i] && predicate(entry)) {
        this.taken[i] = true
        return Option.some(entry)
      }
    }
    return Option.none()
  }

  /** The oldest entry not taken yet that matches, waiting for one if there is none. */
  take(predicate: (a: A) => boolean): Effect.Effect<A> {
    return Effect.callback<A>((resume) => {
      const now = this.takeNow(predicate)
      if (Option.isSome(now)) {
        resume(Effect.succeed(now.value))
        return
      }
      const waiter = (): boolean => {
        const found = this.takeNow(predicate)
        if (Option.isNone(found)) return false
        resume(Effect.succeed(found.value))
        return true
      }
      this.waiters.add(waiter)
      return Effect.sync(() => {
        this.waiters.delete(waiter)
      })
    })
  }

  /** The entry at an absolute position, or the first one after it that still exists, waiting if needed. */
  private at(position: number): Effect.Effect<readonly [A, number]> {
    return Effect.callback<readonly [A, number]>((resume) => {
      const ready = (): boolean => {
        const from = Math.max(position, this.base)
        if (from >= this.end) return false
        const entry = this.entries[this.head + from - this.base]!
        resume(Effect.succeed([entry, from + 1] as const))
        return true
      }
      if (ready()) return
      this.waiters.add(ready)
      return Effect.sync(() => {
        this.waiters.delete(ready)
      })
    })
  }

  /**
   * The entries from an absolute position on, each pull taking all that are there (waiting for one), but
   * never more than the newest `keep`: a reader that falls further behind skips the older ones and is told
   * how many. A slow reader then costs its position only, and reads the newest entries when it is back.
   */
  following(position: number, keep: number): Stream.Stream<Batch<A>> {
    return Stream.unfold(position, (at) =>
      Effect.callback<readonly [Batch<A>, number]>((resume) => {
        const ready = (): boolean => {
          const end = this.end
          const from = Math.max(at, this.base)
          if (from >= end) return false
          const start = Math.max(from, end - keep)
          const entries = this.entries.slice(this.head + start - this.base)
          resume(Effect.succeed([{ skipped: start - from, entries }, end] as const))
          return true
        }
        if (ready()) return
        this.waiters.add(ready)
        return Effect.sync(() => {
          this.waiters.delete(ready)
        })
      }))
  }

  /** The absolute position the next entry will have. */
  get end(): number {
    return this.base + this.entries.length - this.head
  }

  /** The entries from an absolute position on (skipping what `clear` dropped), without end. */
  from(position: number): Stream.Stream<A> {
    return Stream.unfold(position, (at) => this.at(at))
  }

  /** Everything since the last `clear`, then every new entry, without end. */
  get stream(): Stream.Stream<A> {
    return Stream.suspend(() => this.from(this.base))
  }
}
