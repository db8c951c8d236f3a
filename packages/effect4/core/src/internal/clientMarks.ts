/**
 * What a client says it enforces by itself (`PusherHttpClient.withDeadline`, `withMaxResponseBytes`), kept
 * beside the clients rather than on them, so a client carries no extra property.
 *
 * @internal
 */
import * as HttpClient from "effect/http/HttpClient"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Either from "effect/Either"
import { globalValue } from "effect/GlobalValue"
import * as Option from "effect/Option"

/** @internal What a client enforces by itself. */
export interface Marks {
  /** The deadline, or the rule the value handed to `withDeadline` broke. */
  readonly deadline: Option.Option<Either.Either<Duration.Duration, string>>
  readonly maxResponseBytes: Option.Option<number>
}

const unmarked: Marks = { deadline: Option.none(), maxResponseBytes: Option.none() }

// One table for every copy of this module, as a `Symbol.for` would be.
const table = globalValue("@effect-pusher/core/PusherHttpClient/marks", () => new WeakMap<object, Marks>())

/** @internal The marks of a client; a client never marked, or derived from a marked one, has none. */
export const get = (client: object): Marks => table.get(client) ?? unmarked

// The client a marked copy sends through: marking a marked copy again wraps that client, not the copy, so a
// client marked twice (the lean client: size limit, then deadline) costs one step per request, not two.
const origins = globalValue("@effect-pusher/core/PusherHttpClient/origins", () => new WeakMap<object, unknown>())

/** @internal A copy of the client that sends as the original does, with the original's marks and `update`. */
export const mark = <E, R>(
  self: HttpClient.HttpClient.With<E, R>,
  update: Partial<Marks>
): HttpClient.HttpClient.With<E, R> => {
  // Only `mark` stores an origin, and always the client the copy was made from, of the copy's own type.
  const origin = (origins.get(self) as HttpClient.HttpClient.With<E, R> | undefined) ?? self
  const marked = HttpClient.makeWith<never, never, E, R>(
    (request) => Effect.flatMap(request, origin.execute),
    Effect.succeed
  )
  table.set(marked, { ...get(self), ...update })
  origins.set(marked, origin)
  return marked
}
