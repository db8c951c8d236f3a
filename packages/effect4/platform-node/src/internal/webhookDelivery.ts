/**
 * Webhook delivery for the served emulator: every webhook the emulator makes is POSTed, with the headers
 * and body it recorded (`PusherTest.SentWebhook`), to one URL, in order, as Channels delivers them.
 *
 * What Channels does (Pusher's docs, "Channels Webhook Timeouts and Retries"): the endpoint must answer
 * with a 2XX status within 4 seconds; otherwise the webhook is retried with exponential backoff for
 * 5 minutes, then dropped. Here: a failure is a non-2XX status, no answer within 4 s, or a transport
 * error; retries wait 1 s, 2 s, 4 s, ... (doubling) while the next attempt still starts within 5 minutes
 * of when the webhook was made (so attempts at about 0, 1, 3, 7, 15, 31, 63, 127 and 255 s when each one
 * fails at once). The window runs from when the webhook was made, not from its first attempt: a webhook
 * that waited behind a failing one is not delivered later than Channels would have delivered it, and an
 * unreachable URL cannot build up a backlog that takes hours to drain.
 *
 * @internal
 */
import type * as PusherTest from "@effect-pusher/core/PusherTest"
import * as Clock from "effect/Clock"
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as HttpBody from "effect/http/HttpBody"
import type * as HttpClient from "effect/http/HttpClient"
import type * as HttpClientError from "effect/http/HttpClientError"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as Queue from "effect/Queue"
import type * as Scope from "effect/Scope"

/** Pusher's deadline for the answer to one attempt. */
export const attemptTimeout: Duration.Duration = Duration.seconds(4)

/** How long after a webhook is made Pusher still retries it. */
export const retryWindow: Duration.Duration = Duration.minutes(5)

/** The first backoff delay; each next one doubles. */
export const firstDelay: Duration.Duration = Duration.seconds(1)

/**
 * Webhooks waiting behind the one being delivered, at most. Beyond it the newest is dropped and logged: a
 * dead URL costs at most this many pending requests (each a reference to a recorded `SentWebhook`, whose body
 * is bounded by the emulator's limits: 10 KB of client event data), never a queue that grows with time.
 */
export const defaultMaxPending = 1_000

/** Why one attempt failed, in words that carry no secret (no URL credentials, headers or body). */
class AttemptFailed extends Data.TaggedError("AttemptFailed")<{ readonly reason: string }> {}

interface Pending {
  readonly request: PusherTest.SentWebhook
  /** `Clock` time when the emulator made the webhook. */
  readonly madeAt: number
}

/** Where to POST, and how to name it in logs: origin and path only (userinfo and query may hold tokens). */
export interface Target {
  readonly url: URL
  readonly shown: string
}

/** @internal */
export const target = (url: URL): Target => ({ url, shown: `${url.origin}${url.pathname}` })

const isSuccess = (status: number) => status >= 200 && status < 300

// The words of the Effect 3 line's reasons ("no answer: transport error (ECONNREFUSED)"), so logs read alike.
const requestReasons = { TransportError: "transport", EncodeError: "encode", InvalidUrlError: "invalidurl" } as const

const transportReason = (error: HttpClientError.RequestError): string => {
  const cause = error.cause
  const code = typeof cause === "object" && cause !== null && "code" in cause && typeof cause.code === "string"
    ? ` (${cause.code})`
    : ""
  return `no answer: ${requestReasons[error._tag]} error${code}`
}

const failedWith = (error: HttpClientError.HttpClientError): Effect.Effect<void, AttemptFailed> => {
  const reason = error.reason
  switch (reason._tag) {
    case "TransportError":
    case "EncodeError":
    case "InvalidUrlError":
      return Effect.fail(new AttemptFailed({ reason: transportReason(reason) }))
    default:
      return isSuccess(reason.response.status)
        ? Effect.void
        : Effect.fail(new AttemptFailed({ reason: `answered ${reason.response.status}` }))
  }
}

/** One POST: succeeds on a 2XX answer, whatever its body (an answer too long to read still has a status). */
const attempt = (
  client: HttpClient.HttpClient,
  to: Target,
  pending: Pending
): Effect.Effect<void, AttemptFailed> =>
  client.execute(
    HttpClientRequest.post(to.url, {
      headers: pending.request.headers,
      body: HttpBody.text(pending.request.body, pending.request.headers["content-type"] ?? "application/json")
    })
  ).pipe(
    Effect.flatMap((response) =>
      isSuccess(response.status)
        ? Effect.void
        : Effect.fail(new AttemptFailed({ reason: `answered ${response.status}` }))
    ),
    Effect.catchTag("HttpClientError", failedWith),
    Effect.timeoutOrElse({
      duration: attemptTimeout,
      orElse: () => Effect.fail(new AttemptFailed({ reason: `no answer within ${Duration.format(attemptTimeout)}` }))
    })
  )

/**
 * Backoff from `firstDelay`, doubling, while the next attempt starts within the window of the webhook. A loop
 * rather than a `Schedule`: the test is on the clock and the next delay together, which Effect 4's schedule
 * combinators do not offer in one step.
 */
const retryWithin = (
  attempt: Effect.Effect<void, AttemptFailed>,
  madeAt: number
): Effect.Effect<void, AttemptFailed> => {
  const last = madeAt + Duration.toMillis(retryWindow)
  const loop = (delay: number): Effect.Effect<void, AttemptFailed> =>
    Effect.catch(attempt, (failure) =>
      Effect.flatMap(
        Clock.currentTimeMillis,
        (now) => now + delay <= last ? Effect.delay(loop(delay * 2), Duration.millis(delay)) : Effect.fail(failure)
      ))
  return loop(Duration.toMillis(firstDelay))
}

const deliverOne = (client: HttpClient.HttpClient, to: Target, pending: Pending): Effect.Effect<void> =>
  Effect.gen(function*() {
    const now = yield* Clock.currentTimeMillis
    if (now - pending.madeAt > Duration.toMillis(retryWindow)) {
      return yield* Effect.logWarning("Webhook dropped: older than the retry window, never attempted").pipe(
        Effect.annotateLogs({ url: to.shown, window: Duration.format(retryWindow) })
      )
    }
    let attempts = 0
    const logged = Effect.suspend(() => {
      attempts++
      return attempt(client, to, pending)
    }).pipe(
      Effect.tapError((failure) =>
        Effect.logWarning("Webhook delivery failed").pipe(
          Effect.annotateLogs({ url: to.shown, attempt: attempts, reason: failure.reason })
        )
      )
    )
    yield* retryWithin(logged, pending.madeAt).pipe(
      Effect.matchEffect({
        onFailure: () =>
          Effect.logError("Webhook dropped: no 2XX answer within the retry window").pipe(
            Effect.annotateLogs({ url: to.shown, attempts, window: Duration.format(retryWindow) })
          ),
        onSuccess: () => Effect.logDebug("Webhook delivered").pipe(Effect.annotateLogs({ url: to.shown, attempts }))
      })
    )
  })

/**
 * Starts delivering every webhook the emulator makes from now on, in a fiber of the scope: one fiber takes
 * the recorded webhooks into a bounded queue (never waiting on the network), another POSTs them one at a
 * time. Neither runs on the emulator's sockets or REST answers, which only append to the record.
 *
 * @internal
 */
export const start = (
  service: PusherTest.Service,
  client: HttpClient.HttpClient,
  to: Target,
  maxPending: number = defaultMaxPending
): Effect.Effect<void, never, Scope.Scope> =>
  Effect.gen(function*() {
    const queue = yield* Effect.acquireRelease(Queue.dropping<Pending>(maxPending), Queue.shutdown)
    yield* Queue.take(queue).pipe(
      Effect.flatMap((pending) => deliverOne(client, to, pending)),
      Effect.forever,
      Effect.forkScoped
    )
    yield* service.deliverWebhooks((request) =>
      Effect.flatMap(Clock.currentTimeMillis, (madeAt) => Queue.offer(queue, { request, madeAt })).pipe(
        Effect.flatMap((queued) =>
          queued
            ? Effect.void
            : Effect.logWarning("Webhook dropped: too many waiting for delivery").pipe(
              Effect.annotateLogs({ url: to.shown, pending: maxPending })
            )
        )
      )
    )
  })
