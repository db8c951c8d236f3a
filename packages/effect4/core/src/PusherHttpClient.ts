/**
 * What effect-pusher's operations know about the `HttpClient` they run with.
 *
 * Every operation bounds a request by `PusherConfig.timeout`. A client that enforces a per-request deadline
 * by itself, and fails an expired request with a `RequestError` whose cause is a `TimeoutException`, can
 * say so with {@link withDeadline}: when that deadline equals the configured timeout, the operations start
 * no timer of their own. A deadline that breaks the timeout's rule (positive, at most 24 days) marks nothing
 * true: every operation run with that client fails with a `ValidationError` naming
 * `PusherHttpClient.withDeadline`, before any request. A client derived from a marked one with a combinator
 * (`mapRequest`, ...) is not marked, so the operations time it themselves.
 *
 * Likewise every operation bounds the answer it reads: a success answer longer than
 * {@link defaultMaxResponseBytes} fails with a `TransportError` of reason `ResponseTooLarge`, and of an error
 * answer only an excerpt is read. A client that bounds its answers by itself says so with
 * {@link withMaxResponseBytes}; the operations then read its answers as they are.
 *
 * @since 1.0.0
 */
import * as Limits from "@effect-pusher/protocol/Limits"
import * as Data from "effect/Data"
import type * as Duration from "effect/Duration"
import { dual } from "effect/Function"
import type * as HttpClient from "effect/http/HttpClient"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import * as ClientMarks from "./internal/clientMarks.js"
import * as ConfigRules from "./internal/configRules.js"

/**
 * A copy of the client marked as enforcing `deadline` on each request by itself (see the module
 * description). The copy sends exactly as the original does.
 *
 * @since 1.0.0
 * @category combinators
 */
export const withDeadline: {
  (deadline: Duration.Input): <E, R>(self: HttpClient.HttpClient.With<E, R>) => HttpClient.HttpClient.With<E, R>
  <E, R>(self: HttpClient.HttpClient.With<E, R>, deadline: Duration.Input): HttpClient.HttpClient.With<E, R>
} = /* @__PURE__ */ dual(
  2,
  <E, R>(
    self: HttpClient.HttpClient.With<E, R>,
    deadline: Duration.Input
  ): HttpClient.HttpClient.With<E, R> =>
    // `Duration.decode` throws on what is not a duration and reads -1 or NaN as zero: the timeout's rule
    // instead, whose failure the operations report (see the module description).
    ClientMarks.mark(self, { deadline: Option.some(ConfigRules.timeout(deadline)) })
)

/**
 * The per-request deadline the client enforces by itself, if it was marked with {@link withDeadline} and a
 * deadline that keeps the timeout's rule.
 *
 * @since 1.0.0
 * @category accessors
 */
export const deadline = <E, R>(self: HttpClient.HttpClient.With<E, R>): Option.Option<Duration.Duration> =>
  Option.flatMap(ClientMarks.get(self).deadline, Result.getSuccess)

/**
 * The longest success answer, in bytes, that operations read from a client that does not bound its
 * answers itself: 16 MiB (`Limits.defaultMaxResponseBytes` of `@effect-pusher/protocol`, where the figure
 * is derived). It is also the default `maxResponseBytes` of the lean client of `@effect-pusher/platform-node`.
 *
 * @since 1.0.0
 * @category constants
 */
export const defaultMaxResponseBytes: number = Limits.defaultMaxResponseBytes

/**
 * At most this many bytes of an error answer are read and kept (4 KiB: `Limits.maxErrorBodyBytes` of
 * `@effect-pusher/protocol`, where the size is explained): a client that refuses an answer for its size
 * keeps this much of it as the excerpt.
 *
 * @since 1.0.0
 * @category constants
 */
export const maxErrorBodyBytes: number = Limits.maxErrorBodyBytes

/**
 * The cause of the `ResponseError` (reason `Decode`) of a client that stopped reading an answer longer than
 * its limit. The error's `response` keeps the status, the headers and at most the first
 * {@link maxErrorBodyBytes} of the body. Operations report it as a `TransportError` of reason
 * `ResponseTooLarge` for a success status, and as the `HttpError` of the status otherwise.
 *
 * @since 1.0.0
 * @category errors
 */
export class ResponseTooLarge extends Data.TaggedError("ResponseTooLarge")<{
  readonly maxResponseBytes: number
  /** The whole body's length in bytes, when declared by `Content-Length`. */
  readonly totalLength: number | undefined
}> {
  /** @since 1.0.0 */
  override get message(): string {
    return `the response body is larger than maxResponseBytes (${this.maxResponseBytes})${
      this.totalLength === undefined ? "" : `: ${this.totalLength} bytes declared`
    }`
  }
}

/**
 * A copy of the client marked as refusing, by itself, every answer longer than `bytes` (failing with a
 * `ResponseError` whose cause is a {@link ResponseTooLarge}) and as following no redirect: operations then
 * read its answers as they come, without a bound of their own, and do not tell it (as they tell fetch)
 * not to follow redirects. The copy sends exactly as the original does.
 *
 * @since 1.0.0
 * @category combinators
 */
export const withMaxResponseBytes: {
  (bytes: number): <E, R>(self: HttpClient.HttpClient.With<E, R>) => HttpClient.HttpClient.With<E, R>
  <E, R>(self: HttpClient.HttpClient.With<E, R>, bytes: number): HttpClient.HttpClient.With<E, R>
} = /* @__PURE__ */ dual(
  2,
  <E, R>(self: HttpClient.HttpClient.With<E, R>, bytes: number): HttpClient.HttpClient.With<E, R> =>
    ClientMarks.mark(self, { maxResponseBytes: Option.some(bytes) })
)

/**
 * The answer size limit the client enforces by itself, if it was marked with {@link withMaxResponseBytes}.
 *
 * @since 1.0.0
 * @category accessors
 */
export const maxResponseBytes = <E, R>(self: HttpClient.HttpClient.With<E, R>): Option.Option<number> =>
  ClientMarks.get(self).maxResponseBytes
