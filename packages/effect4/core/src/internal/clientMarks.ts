/**
 * What a client says it enforces by itself (`PusherHttpClient.withDeadline`, `withMaxResponseBytes`), kept
 * beside the clients rather than on them, so a client carries no extra property.
 *
 * @internal
 */
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as Option from "effect/Option"
import type * as Result from "effect/Result"

/** @internal What a client enforces by itself. */
export interface Marks {
  /** The deadline, or the rule the value handed to `withDeadline` broke. */
  readonly deadline: Option.Option<Result.Result<Duration.Duration, string>>
  readonly maxResponseBytes: Option.Option<number>
}

const unmarked: Marks = { deadline: Option.none(), maxResponseBytes: Option.none() }

interface Tables {
  /** What each marked client enforces. */
  readonly marks: WeakMap<object, Marks>
  /**
   * The client a marked copy sends through: marking a marked copy again wraps that client, not the copy, so
   * a client marked twice (the lean client: size limit, then deadline) costs one step per request, not two.
   */
  readonly origins: WeakMap<object, unknown>
}

// One pair of tables for every copy of this module (a bundle may hold two), under a `Symbol.for` key on
// `globalThis`: Effect 4 has no `GlobalValue` module. The key names this line, whose marks hold a `Result`
// (the Effect 3 line's hold an `Either`).
const tablesKey: unique symbol = Symbol.for("@effect-pusher/core/effect4/PusherHttpClient/marks")

// `globalThis` seen as holding the tables, which this module alone writes, under its own key.
const store = globalThis as typeof globalThis & { [tablesKey]?: Tables }

const tables = (): Tables => store[tablesKey] ??= { marks: new WeakMap(), origins: new WeakMap() }

/** @internal The marks of a client; a client never marked, or derived from a marked one, has none. */
export const get = (client: object): Marks => tables().marks.get(client) ?? unmarked

/** @internal A copy of the client that sends as the original does, with the original's marks and `update`. */
export const mark = <E, R>(
  self: HttpClient.HttpClient.With<E, R>,
  update: Partial<Marks>
): HttpClient.HttpClient.With<E, R> => {
  // Only `mark` stores an origin, and always the client the copy was made from, of the copy's own type.
  const { marks, origins } = tables()
  const origin = (origins.get(self) as HttpClient.HttpClient.With<E, R> | undefined) ?? self
  const marked = HttpClient.makeWith<never, never, E, R>(
    (request) => Effect.flatMap(request, origin.execute),
    Effect.succeed
  )
  marks.set(marked, { ...get(self), ...update })
  origins.set(marked, origin)
  return marked
}
