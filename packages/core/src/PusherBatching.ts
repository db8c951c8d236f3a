/**
 * Automatic batching of concurrent triggers into `batch_events` requests.
 *
 * With this layer in the context, `Pusher.trigger` to a single channel and `Pusher.sendToUser` no longer
 * send one request each: their events wait in a queue and go out as `batch_events` requests of up to
 * `maxBatch` events (default: `PusherConfig`'s `maxEventsPerBatch`, 10 unless configured), as soon as that many
 * are waiting or when the current burst ends (the end of the tick, or `maxWait`).
 * Every caller still gets its own result or its own typed error:
 *
 * - validation (and encryption) happens before queueing, so one bad event never poisons a batch;
 * - when the server refuses a whole batch with 400 or 413, each of its events is resent alone, so valid
 *   events succeed and only the culprit fails;
 * - other failures (401, 5xx, network, timeout) fail every event of that batch with the same error;
 * - the events of a channel keep their order: a channel's next event waits while a batch holding an
 *   earlier one is in flight;
 * - an interrupted caller whose event has not left the queue is dropped from it;
 * - at most `maxInFlight` batch requests are in flight; when the layer is released it stops batching,
 *   sends what is queued and waits for every request in flight.
 *
 * Triggers to several channels, `triggerBatch` and the query operations are unchanged.
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Batcher from "./internal/batcher.js"
import * as Batching from "./internal/batching.js"
import * as PusherConfig from "./PusherConfig.js"
import * as PusherCrypto from "./PusherCrypto.js"
import { ValidationError } from "./PusherError.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /**
   * Events per `batch_events` request, 1 to `PusherConfig`'s `maxEventsPerBatch` (the app's limit, 10 on the
   * multi-tenant clusters). Default `maxEventsPerBatch`.
   */
  readonly maxBatch?: number | undefined
  /** How long the first queued event waits for others. Default 0: until the end of the current tick. */
  readonly maxWait?: Duration.DurationInput | undefined
  /** Batch requests in flight at once. Default 64. */
  readonly maxInFlight?: number | undefined
}

/**
 * What the batcher has sent so far.
 *
 * @since 0.1.0
 * @category models
 */
export interface Stats {
  /** `batch_events` requests sent, including the single-event resends of isolation. */
  readonly requests: number
  /** Events sent in those requests. */
  readonly events: number
  /** Batches refused with 400/413 whose events were then resent one by one. */
  readonly isolated: number
}

/**
 * A running batcher, as seen from outside: opaque. Only `layer` makes one; read what it has sent with
 * `stats`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service extends Batching.Handle {}

/**
 * The batcher of the current context, if any.
 *
 * @since 0.1.0
 * @category tags
 */
export class PusherBatching extends Context.Reference<PusherBatching>()("@effect-pusher/core/PusherBatching", {
  defaultValue: (): Option.Option<Service> => Option.none()
}) {}

const check = (options: Options, maxEventsPerBatch: number): Either.Either<Batcher.Options, ValidationError> => {
  const maxBatch = options.maxBatch ?? maxEventsPerBatch
  if (!Number.isInteger(maxBatch) || maxBatch < 1 || maxBatch > maxEventsPerBatch) {
    return Either.left(
      new ValidationError({
        field: "maxBatch",
        rule: `must be an integer from 1 to ${maxEventsPerBatch} (PusherConfig maxEventsPerBatch)`
      })
    )
  }
  const maxWait = Duration.decodeUnknown(options.maxWait ?? Duration.zero)
  if (Option.isNone(maxWait)) return Either.left(new ValidationError({ field: "maxWait", rule: "must be a duration" }))
  const maxInFlight = options.maxInFlight ?? 64
  if (!Number.isInteger(maxInFlight) || maxInFlight < 1) {
    return Either.left(new ValidationError({ field: "maxInFlight", rule: "must be a positive integer" }))
  }
  return Either.right({ maxBatch, maxWait: maxWait.value, maxInFlight })
}

/**
 * Turns batching on for every operation that runs with this layer. The batcher sends with the
 * `PusherConfig` and `HttpClient` that the layer itself was given; operations that run under another
 * config bypass it.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: Options = {}
): Layer.Layer<PusherBatching, ValidationError, PusherConfig.PusherConfig | HttpClient.HttpClient> =>
  Layer.scoped(
    PusherBatching,
    Effect.gen(function*() {
      const config = yield* PusherConfig.PusherConfig
      const checked = yield* check(options, config.maxEventsPerBatch)
      const requestContext = {
        config,
        crypto: yield* PusherCrypto.PusherCrypto,
        client: yield* HttpClient.HttpClient
      }
      return Option.some<Service>(Batching.handle(yield* Batcher.make(requestContext, checked)))
    })
  )

/**
 * What the current batcher has sent (all zero without one).
 *
 * @since 0.1.0
 * @category accessors
 */
export const stats: Effect.Effect<Stats> = Effect.map(
  PusherBatching,
  Option.match({
    onNone: () => ({ requests: 0, events: 0, isolated: 0 }),
    onSome: (service) => {
      const batcher = Batching.batcherOf(service)
      return batcher === undefined ? { requests: 0, events: 0, isolated: 0 } : { ...batcher.stats }
    }
  })
)
