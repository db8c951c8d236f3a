/**
 * Retries of failed requests, as an Effect `Schedule`. Off unless turned on.
 *
 * A {@link Policy} says how long to wait between attempts (`schedule`, which is fed each attempt's error) and
 * whether writes are retried too (`writes`). Turn one on for every operation with {@link layer}, or for one
 * call with {@link withPolicy}, which overrides the layer's ({@link none} turns retries off for that call).
 * {@link transient} is a ready-made policy.
 *
 * - Only transient failures are retried: a 5xx or 429 answer, a network error, a timed-out attempt. A 400,
 *   401, 403, 404, 413 (any 4xx but 429), a `ValidationError`, `DecodeError` or `EncryptionError` never is.
 * - A 429 or 503 answer's `Retry-After` (`HttpError.retryAfter`) is the least wait before the next attempt.
 * - Reads (`channels`, `channel`, `users`, `get`) are retried under any policy. Writes (`trigger`,
 *   `triggerBatch`, `sendToUser`, `terminateUserConnections`, `post`) only under a policy with
 *   `writes: true`, and then **at least once**: an attempt that failed may still have been delivered (a 5xx, a
 *   reset connection or a timeout says nothing about that), so a retried event may arrive twice.
 * - With `PusherBatching`, each event keeps the policy of its own call; a batch is retried only if every
 *   event in it was triggered under a policy with `writes: true`, with the waits of its first event's policy.
 * - The config's `timeout` bounds the whole call, retries included: a wait that would end past it ends the
 *   retries (the call fails with the last error), and an attempt still running then fails the call with a
 *   `TransportError` `Timeout`. A batched event's deadline is its own call's.
 * - Under a tracer that exports spans, each retry adds a `pusher.retry` event to the operation's span (its
 *   attempt number, the error it follows, the wait), and the span gets a `pusher.attempts` attribute.
 *
 * @since 1.0.0
 */
import * as Json from "@effect-pusher/protocol/Json"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import { dual } from "effect/Function"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import * as Schedule from "effect/Schedule"
import * as RetryLoop from "./internal/retryLoop.js"
import { invalid, toEither } from "./internal/validation.js"
import type { PusherError, ValidationError } from "./PusherError.js"

/**
 * How to retry: `schedule` decides whether and after how long to try again, from each failed attempt's
 * error (only transient errors reach it); `writes: true` retries writes too (at least once, see the module's
 * documentation).
 *
 * @since 1.0.0
 * @category models
 */
export interface Policy {
  readonly schedule: Schedule.Schedule<unknown, PusherError>
  /** Retry writes too: an event may then be delivered more than once. Default `false`. */
  readonly writes?: boolean | undefined
}

/**
 * Up to 3 retries after jittered exponential waits of about 200, 400 and 800 ms (each ±20%), reads only:
 * at most 4 attempts and about 1.7 s of waiting, well within the default 10 s timeout. For writes too:
 * `{ ...PusherRetry.transient, writes: true }`.
 *
 * @since 1.0.0
 * @category constants
 */
export const transient: Policy = {
  // Marked pure, the inner calls too, so that a program that never uses it does not build it, nor bundle
  // what it needs of Schedule (`pnpm check:size`: 0.3 KB gzipped).
  schedule: /* @__PURE__ */ Schedule.exponential("200 millis").pipe(
    Schedule.jittered,
    /* @__PURE__ */ Schedule.upTo({ times: 3 })
  )
}

/**
 * No retries: for one call under a layer that turns them on (`PusherRetry.withPolicy(PusherRetry.none)`).
 *
 * @since 1.0.0
 * @category constants
 */
export const none: Policy = { schedule: /* @__PURE__ */ Schedule.recurs(0) }

/**
 * A policy turned on, as seen from outside: opaque. Only {@link layer} and {@link withPolicy} make one, after
 * checking the policy, so that a value in the {@link PusherRetry} reference has always been checked.
 *
 * @since 1.0.0
 * @category models
 */
export interface Installed extends RetryLoop.Installed {}

/**
 * The retry policy of the current context, if any (none by default). Set it with {@link layer} or
 * {@link withPolicy}.
 *
 * @since 1.0.0
 * @category references
 */
export const PusherRetry: Context.Reference<Option.Option<Installed>> = /* @__PURE__ */ Context.Reference(
  "@effect-pusher/core/PusherRetry",
  { defaultValue: (): Option.Option<Installed> => Option.none() }
)

const keys: Json.KeyTable<"schedule" | "writes"> = {
  accepted: ["schedule", "writes"],
  replacements: { retryWrites: "writes" }
}

/**
 * The policy, each field read once (only that read is guarded: a getter or a proxy may throw), and checked:
 * its static type is what a typed caller passed, and untyped callers are caught at run time.
 */
const check = (policy: Policy): Result.Result<Installed, ValidationError> => {
  if (typeof policy !== "object" || policy === null) return invalid("policy", "must be an object")
  const read = Json.readOptions("policy", policy, keys)
  if (!read.ok) return toEither(read)
  const { schedule, writes } = read.value
  if (!Schedule.isSchedule(schedule)) return invalid("policy.schedule", "must be a Schedule")
  if (writes !== undefined && typeof writes !== "boolean") return invalid("policy.writes", "must be a boolean")
  // What a Schedule takes and fails with cannot be seen at run time: the caller's static type stands for it.
  // The loop that runs the policy comes with it: only a checked policy reaches the request path, which thus
  // never imports the loop (see internal/retryLoop.ts).
  return Result.succeed(RetryLoop.install({ schedule: schedule as Policy["schedule"], writes: writes === true }))
}

/**
 * Turns retries on with `policy` for every operation that runs with this layer; a `ValidationError` naming
 * the field when the policy is malformed.
 *
 * @since 1.0.0
 * @category layers
 */
export const layer = (policy: Policy): Layer.Layer<never, ValidationError> =>
  Layer.effect(PusherRetry, Effect.map(Effect.suspend(() => Effect.fromResult(check(policy))), Option.some))

/**
 * Runs `self` with `policy`, overriding the layer's (`PusherRetry.none`: no retries); a `ValidationError`
 * naming the field when the policy is malformed.
 *
 * @since 1.0.0
 * @category combinators
 */
export const withPolicy: {
  (policy: Policy): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E | ValidationError, R>
  <A, E, R>(self: Effect.Effect<A, E, R>, policy: Policy): Effect.Effect<A, E | ValidationError, R>
} = /* @__PURE__ */ dual( // pure: a program that never calls it drops it and the check it holds
  2,
  <A, E, R>(self: Effect.Effect<A, E, R>, policy: Policy): Effect.Effect<A, E | ValidationError, R> =>
    Effect.suspend((): Effect.Effect<A, E | ValidationError, R> =>
      Result.match(check(policy), {
        onFailure: Effect.fail,
        onSuccess: (checked) => Effect.provideService(self, PusherRetry, Option.some(checked))
      })
    )
)
