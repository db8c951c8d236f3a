/**
 * Automatic batching of concurrent triggers into `batch_events` requests.
 *
 * With this layer in the context, `Pusher.trigger` to a single channel and `Pusher.sendToUser` no longer
 * send one request each: their events wait in a queue and go out as `batch_events` requests of up to
 * `maxBatch` events (default: `PusherConfig`'s `maxEventsPerBatch`, 10 unless configured; of as many
 * different channels), as soon as a request may start and a batch is full, or when the
 * current burst ends (the end of the tick, or `maxWait`). Every caller still gets its own result or its own
 * typed error:
 *
 * - validation (and encryption) happens before queueing, so one bad event never poisons a batch;
 * - when the server refuses a whole batch with 400 or 413, each of its events is resent alone, so valid
 *   events succeed and only the culprit fails;
 * - other failures (401, 5xx, network, timeout) fail every event of that batch with the same error; a
 *   transient one is first retried when every event of the batch was triggered under a `PusherRetry`
 *   policy with `writes: true` (at least once: see `PusherRetry`);
 * - every caller waits at most the `timeout` of its own call's config, counted from its call, whether its
 *   event is still queued or in flight; then it fails with a `TransportError` `Timeout`. An event still
 *   queued is then never sent; one in flight may still be delivered (a request cannot be taken back), as
 *   with any trigger that times out;
 * - an interrupted caller whose event has not left the queue is dropped from it;
 * - at most `maxInFlight` batch requests are in flight.
 *
 * Ordering (`ordering`):
 *
 * - `"unordered"` (the default) promises what plain concurrent triggers promise with every official
 *   library: nothing about the order of concurrent events. Batches of any channels go out in queue order,
 *   as many at once as `maxInFlight` allows, so a slow server costs no throughput. Events that a caller
 *   sends one after the other (waiting for each answer) arrive in that order.
 * - `"perChannel"`: the events of a channel reach the server in the order they were queued: a channel's
 *   next event waits while a batch holding an earlier one is in flight, so a hot channel gets one batch per
 *   round trip. An event that failed (or timed out) may still have been delivered, and the events after it
 *   are sent anyway.
 *
 * When the layer is released it sends what is queued and what is triggered meanwhile, keeping the order
 * above, and waits for every request in flight (each bounded by the timeout); after that, a trigger that
 * still reaches this batcher fails with a `TransportError` `Closed` and is not sent.
 *
 * Triggers to several channels, `triggerBatch` and the query operations are unchanged.
 *
 * @since 1.0.0
 */
import * as Json from "@effect-pusher/protocol/Json"
import * as ProtocolOptions from "@effect-pusher/protocol/Options"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import * as Batcher from "./internal/batcher.js"
import * as Batching from "./internal/batching.js"
import { decodeDuration } from "./internal/duration.js"
import { fail, invalid, toEither } from "./internal/validation.js"
import * as PusherConfig from "./PusherConfig.js"
import * as PusherCrypto from "./PusherCrypto.js"
import type { ValidationError } from "./PusherError.js"

/**
 * The options of `PusherBatching.layer`: batch size, how long an event waits for others, requests in flight
 * and ordering.
 *
 * @since 1.0.0
 * @category models
 */
export interface Options {
  /** Events per `batch_events` request, 1 to 10 (the Channels limit). Default 10. */
  readonly maxBatch?: number | undefined
  /**
   * How long the first queued event waits for others, shorter than the config's `timeout`. Default 0: until
   * the end of the current tick.
   */
  readonly maxWait?: Duration.Input | undefined
  /** Batch requests in flight at once. Default 64. */
  readonly maxInFlight?: number | undefined
  /**
   * `"unordered"` (default): no order between concurrent events, as with plain triggers; `"perChannel"`:
   * each channel's events reach the server in the order they were queued, one batch per channel in flight.
   */
  readonly ordering?: Ordering | undefined
}

/**
 * What order batched events keep: see the module's documentation.
 *
 * @since 1.0.0
 * @category models
 */
export type Ordering = "unordered" | "perChannel"

/**
 * What the batcher has sent so far.
 *
 * @since 1.0.0
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
 * @since 1.0.0
 * @category models
 */
export interface Service extends Batching.Handle {}

/**
 * The batcher of the current context, if any (none by default). Set it with {@link layer}.
 *
 * @since 1.0.0
 * @category references
 */
export const PusherBatching: Context.Reference<Option.Option<Service>> = /* @__PURE__ */ Context.Reference(
  "@effect-pusher/core/PusherBatching",
  { defaultValue: (): Option.Option<Service> => Option.none() }
)

/** The one table of the keys `layer` accepts: a misspelled option fails instead of being ignored. */
const optionKeys: Json.KeyTable<keyof Options> = {
  accepted: ["maxBatch", "maxWait", "maxInFlight", "ordering"],
  replacements: { maxBatchSize: "maxBatch", batchSize: "maxBatch", maxDelay: "maxWait", concurrency: "maxInFlight" }
}

/** The options, each read once (a getter or a proxy may throw: that is a `ValidationError`, not a throw). */
const read = (options: unknown): Result.Result<Partial<Record<keyof Options, unknown>>, ValidationError> => {
  // `undefined` is no options (the default); `null` is a mistake, as before.
  if (options === null) return invalid("options", "must be an object")
  const snapshot = Json.readOptions("options", options, optionKeys)
  return toEither(snapshot)
}

const check = (
  options: Partial<Record<keyof Options, unknown>>,
  maxEventsPerBatch: number
): Result.Result<Batcher.Options, ValidationError> => {
  const maxBatch = options.maxBatch ?? maxEventsPerBatch
  if (typeof maxBatch !== "number" || !Number.isInteger(maxBatch) || maxBatch < 1 || maxBatch > maxEventsPerBatch) {
    return invalid("maxBatch", `must be an integer from 1 to ${maxEventsPerBatch} (PusherConfig maxEventsPerBatch)`)
  }
  const maxWait = decodeDuration(options.maxWait ?? Duration.zero)
  if (Option.isNone(maxWait) || !Duration.isFinite(maxWait.value)) {
    return invalid("maxWait", "must be a finite duration")
  }
  const maxInFlight = options.maxInFlight ?? 64
  const inFlightFailure = ProtocolOptions.checkPositiveInteger("maxInFlight", maxInFlight)
  if (inFlightFailure !== undefined || typeof maxInFlight !== "number") {
    return invalid("maxInFlight", inFlightFailure?.rule ?? "must be a positive integer")
  }
  const ordering = options.ordering ?? "unordered"
  if (ordering !== "unordered" && ordering !== "perChannel") {
    return invalid("ordering", "must be \"unordered\" or \"perChannel\"")
  }
  return Result.succeed({ maxBatch, maxWait: maxWait.value, maxInFlight, ordering })
}

/**
 * Turns batching on for every operation that runs with this layer. The batcher sends with the
 * `PusherConfig` and `HttpClient` that the layer itself was given; operations that run under another
 * config bypass it.
 *
 * @since 1.0.0
 * @category layers
 */
export const layer = (
  options: Options = {}
): Layer.Layer<never, ValidationError, PusherConfig.PusherConfig | HttpClient.HttpClient> =>
  Layer.effect(
    PusherBatching,
    Effect.gen(function*() {
      const config = yield* PusherConfig.PusherConfig
      const checked = yield* Effect.fromResult(
        Result.flatMap(read(options), (given) => check(given, config.maxEventsPerBatch))
      )
      const requestContext = {
        config,
        crypto: yield* PusherCrypto.PusherCrypto,
        client: yield* HttpClient.HttpClient
      }
      // A burst that may outlast the timeout would fail its first callers before their event is sent.
      if (Duration.isGreaterThanOrEqualTo(checked.maxWait, requestContext.config.timeout)) {
        return yield* Effect.fail(fail("maxWait", "must be shorter than the configured timeout"))
      }
      return Option.some<Service>(Batching.handle(yield* Batcher.make(requestContext, checked)))
    })
  )

/**
 * What the current batcher has sent (all zero without one).
 *
 * @since 1.0.0
 * @category accessors
 */
export const stats: Effect.Effect<Stats> = /* @__PURE__ */ Effect.map(
  PusherBatching,
  /* @__PURE__ */ Option.match({
    onNone: () => ({ requests: 0, events: 0, isolated: 0 }),
    onSome: (service) => {
      const batcher = Batching.batcherOf(service)
      return batcher === undefined ? { requests: 0, events: 0, isolated: 0 } : { ...batcher.stats }
    }
  })
)
