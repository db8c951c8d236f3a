import * as EmulatorLog from "@effect-pusher/protocol/EmulatorLog"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"

/**
 * What one pull of {@link Log.following} takes: the entries, and how many older ones it skipped.
 *
 * @internal
 */
export type Batch<A> = EmulatorLog.Batch<A>

/** What `read` answers now, or once an append makes it answer; interrupting the fiber forgets the reader. */
const when = <A, B>(log: EmulatorLog.Log<A>, read: () => B | undefined): Effect.Effect<B> =>
  Effect.async<B>((resume) => {
    const now = read()
    if (now !== undefined) {
      resume(Effect.succeed(now))
      return
    }
    const forget = log.wait(() => {
      const found = read()
      if (found === undefined) return false
      resume(Effect.succeed(found))
      return true
    })
    return Effect.sync(forget)
  })

/**
 * The protocol's append-only record (see `EmulatorLog`) with its waits as Effects: `take` hands each entry to
 * one taker, `stream` replays the entries since the last `clear` and then follows new ones.
 *
 * @internal
 */
export class Log<A> extends EmulatorLog.Log<A> {
  /** The oldest entry not taken yet that matches, waiting for one if there is none. */
  take(predicate: (a: A) => boolean): Effect.Effect<A> {
    return Effect.map(when(this, () => this.takeNow(predicate)), (found) => found.value)
  }

  /** The entries from an absolute position on, each pull taking all that are there (see `batchFrom`). */
  following(position: number, keep: number): Stream.Stream<Batch<A>> {
    return Stream.unfoldEffect(position, (at) => Effect.map(when(this, () => this.batchFrom(at, keep)), Option.some))
  }

  /** The entries from an absolute position on (skipping what `clear` dropped), without end. */
  from(position: number): Stream.Stream<A> {
    return Stream.unfoldEffect(position, (at) => Effect.map(when(this, () => this.entryFrom(at)), Option.some))
  }

  /** Everything since the last `clear`, then every new entry, without end. */
  get stream(): Stream.Stream<A> {
    return Stream.suspend(() => this.from(this.start))
  }
}
