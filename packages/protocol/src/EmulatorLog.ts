/**
 * An append-only record that readers can wait on, the store behind the emulator's recordings (events,
 * webhooks, terminations, requests): `take` hands each entry to one taker, readers follow it from an
 * absolute position, and with a `limit` only the newest entries are kept. Waiting is a callback registered
 * with {@link Log.wait} and asked again after each append, so an Effect line turns it into its own waiting
 * primitive and nothing is missed between reading the record and starting to wait (the caller runs one
 * fiber at a time). A {@link Signal} is the same for the state: a version number readers wait on.
 *
 * @since 0.1.0
 */

/**
 * What one read of {@link Log.batchFrom} takes: the entries, and how many older ones it skipped.
 *
 * @since 0.1.0
 * @category models
 */
export interface Batch<A> {
  readonly skipped: number
  readonly entries: ReadonlyArray<A>
}

/**
 * An entry found, boxed so that an entry that is itself `undefined` is still found.
 *
 * @since 0.1.0
 * @category models
 */
export interface Found<A> {
  readonly value: A
}

/**
 * The record. With a `limit`, only the newest `limit` entries are kept: older ones leave as new ones come,
 * as `clear` drops them.
 *
 * @since 0.1.0
 * @category models
 */
export class Log<A> {
  private entries: Array<A> = []
  private taken: Array<boolean> = []
  /**
   * Index in `entries` of the oldest entry kept: the ones before it are dropped, removed in bulk later.
   *
   * @since 0.1.0
   */
  private head = 0
  /**
   * Absolute position of `entries[head]`: dropping moves it forward so running readers skip what went.
   *
   * @since 0.1.0
   */
  private base = 0
  private readonly waiters = new Set<() => boolean>()

  constructor(private readonly limit: number = Number.POSITIVE_INFINITY) {}

  /**
   * Every entry kept, oldest first.
   *
   * @since 0.1.0
   */
  get all(): ReadonlyArray<A> {
    return this.entries.slice(this.head)
  }

  /**
   * The last `count` entries (fewer if there are fewer), oldest first.
   *
   * @since 0.1.0
   */
  last(count: number): ReadonlyArray<A> {
    return this.entries.slice(Math.max(this.head, this.entries.length - count))
  }

  /**
   * How many readers are waiting for an entry (a closed console must leave none behind).
   *
   * @since 0.1.0
   */
  get waiting(): number {
    return this.waiters.size
  }

  /**
   * The absolute position the next entry will have.
   *
   * @since 0.1.0
   */
  get end(): number {
    return this.base + this.entries.length - this.head
  }

  /**
   * The absolute position of the oldest entry kept.
   *
   * @since 0.1.0
   */
  get start(): number {
    return this.base
  }

  /**
   * Adds an entry, then asks each waiting reader whether it has what it waited for.
   *
   * @since 0.1.0
   */
  append(entry: A): void {
    this.entries.push(entry)
    this.taken.push(false)
    if (this.entries.length - this.head > this.limit) this.dropOldest()
    for (const waiter of Array.from(this.waiters)) {
      if (waiter()) this.waiters.delete(waiter)
    }
  }

  /**
   * One entry leaves; the array is cut once half of it is dropped entries, so appending stays O(1)
   * amortized and a log holds at most twice its limit (plus 1,024) in memory.
   *
   * @since 0.1.0
   */
  private dropOldest(): void {
    this.head++
    this.base++
    if (this.head >= 1024 && this.head * 2 >= this.entries.length) {
      this.entries.splice(0, this.head)
      this.taken.splice(0, this.head)
      this.head = 0
    }
  }

  /**
   * Drops every entry; positions go on from where they were.
   *
   * @since 0.1.0
   */
  clear(): void {
    this.base = this.end
    this.entries = []
    this.taken = []
    this.head = 0
  }

  /**
   * The oldest entry not taken yet that matches, now marked taken; `undefined` when there is none.
   *
   * @since 0.1.0
   */
  takeNow(predicate: (a: A) => boolean): Found<A> | undefined {
    for (let i = this.head; i < this.entries.length; i++) {
      const entry = this.entries[i]!
      if (!this.taken[i] && predicate(entry)) {
        this.taken[i] = true
        return { value: entry }
      }
    }
    return undefined
  }

  /**
   * The entry at an absolute position, or the first one after it that still exists, and the next position.
   *
   * @since 0.1.0
   */
  entryFrom(position: number): readonly [A, number] | undefined {
    const from = Math.max(position, this.base)
    if (from >= this.end) return undefined
    return [this.entries[this.head + from - this.base]!, from + 1]
  }

  /**
   * The entries from an absolute position on, all that are there, but never more than the newest `keep`: a
   * reader that has fallen further behind skips the older ones and is told how many. A slow reader then costs
   * its position only, and reads the newest entries when it is back.
   *
   * @since 0.1.0
   */
  batchFrom(position: number, keep: number): readonly [Batch<A>, number] | undefined {
    const end = this.end
    const from = Math.max(position, this.base)
    if (from >= end) return undefined
    const start = Math.max(from, end - keep)
    return [{ skipped: start - from, entries: this.entries.slice(this.head + start - this.base) }, end]
  }

  /**
   * Registers a reader: `ready` is asked after each append and answers whether it got what it waited for
   * (it is then forgotten). Returns the function that forgets it (a reader that stops waiting).
   *
   * @since 0.1.0
   */
  wait(ready: () => boolean): () => void {
    this.waiters.add(ready)
    return () => {
      this.waiters.delete(ready)
    }
  }
}

/**
 * A version number that readers can wait on: `notify` moves it forward and wakes every waiting reader. Many
 * notifications while a reader is busy count as one, so a reader that falls behind costs nothing: it reads
 * the latest state when it comes back, not every state in between.
 *
 * @since 0.1.0
 * @category models
 */
export class Signal {
  private version = 0
  private readonly waiters = new Set<() => void>()

  /**
   * The version now: what a reader of the state at this moment has seen.
   *
   * @since 0.1.0
   */
  get current(): number {
    return this.version
  }

  /**
   * How many readers are waiting (a closed console must leave none behind).
   *
   * @since 0.1.0
   */
  get waiting(): number {
    return this.waiters.size
  }

  /**
   * Moves the version forward and wakes every waiting reader (each once: it waits again if it wants more).
   *
   * @since 0.1.0
   */
  notify(): void {
    this.version++
    if (this.waiters.size === 0) return
    const waiters = Array.from(this.waiters)
    this.waiters.clear()
    for (const waiter of waiters) waiter()
  }

  /**
   * Registers a reader woken by the next `notify`. Returns the function that forgets it.
   *
   * @since 0.1.0
   */
  wait(wake: () => void): () => void {
    this.waiters.add(wake)
    return () => {
      this.waiters.delete(wake)
    }
  }
}
