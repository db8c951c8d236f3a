/**
 * A lean `HttpClient` for Node.js, built for many small JSON calls: undici's `dispatch` over a pooled
 * keep-alive `Agent`, the answer read into memory (up to `maxResponseBytes`) before `execute` succeeds,
 * and no per-request span, fiber-ref juggling or finalization registry.
 *
 * It keeps the whole `HttpClient` interface, so every combinator works on it (`filterStatusOk`,
 * `retryTransient`, `mapRequest`, `followRedirects`, `HttpClientResponse.matchStatus`, `schemaBodyJson`),
 * as do interruption and `Effect.timeout`: an interrupted request is aborted and its connection reset.
 * What it gives up: per-request spans and `traceparent` propagation, and streaming of large answers.
 * When you need those, provide `NodeHttpClient.layerUndici` from `@effect/platform-node` instead, at a
 * cost: in `pnpm bench`, effect-pusher over `layerUndici` sends about 3-6× fewer triggers per second than over
 * this client.
 *
 * @since 0.1.0
 */
import * as PusherHttpClient from "@effect-pusher/core/PusherHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import * as Undici from "undici"
import * as Lean from "./internal/leanClient.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Connections per origin; default 64. */
  readonly connections?: number | undefined
  /**
   * The longest answer read, in bytes; default 16 MiB ({@link defaultMaxResponseBytes}). A longer one aborts
   * the request and fails with a `ResponseError` (reason `Decode`) whose cause is a
   * `PusherHttpClient.ResponseTooLarge` and whose response keeps only the first 4 KiB of the body
   * (effect-pusher's operations report it as a `TransportError` `ResponseTooLarge` for a success status, as
   * the `HttpError` of the status otherwise).
   */
  readonly maxResponseBytes?: number | undefined
  /**
   * A deadline for each whole exchange (connection, headers and body), enforced with one timer per request;
   * on expiry the request is aborted and fails with a `RequestError` (reason `Transport`) whose cause is a
   * `TimeoutException`. Default: none (effect-pusher's operations apply `PusherConfig.timeout` themselves).
   */
  readonly timeout?: Duration.DurationInput | undefined
  /** How long an idle connection is kept open, in milliseconds; default 4,000 (undici's). */
  readonly keepAliveTimeout?: number | undefined
  /** How long establishing a connection may take, in milliseconds; default 10,000. */
  readonly connectTimeout?: number | undefined
  /**
   * Undici's own limits on waiting for the headers and between body chunks, in milliseconds (default
   * 300,000 each). Effect-pusher's operations apply `PusherConfig.timeout` themselves; these are a backstop.
   */
  readonly headersTimeout?: number | undefined
  readonly bodyTimeout?: number | undefined
}

/**
 * @since 0.1.0
 * @category constants
 */
export const defaultConnections = 64

/**
 * The default `maxResponseBytes`: 16 MiB, the same bound effect-pusher's operations apply to any other
 * client (`PusherHttpClient.defaultMaxResponseBytes`).
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultMaxResponseBytes: number = PusherHttpClient.defaultMaxResponseBytes

/**
 * A client over a dispatcher that you own (an undici `Agent`, `Pool` for one origin, `MockAgent`, ...).
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeWithDispatcher = (
  dispatcher: Undici.Dispatcher,
  options?: Pick<Options, "maxResponseBytes" | "timeout" | "headersTimeout" | "bodyTimeout">
): HttpClient.HttpClient =>
  Lean.make(dispatcher, {
    maxResponseBytes: options?.maxResponseBytes ?? defaultMaxResponseBytes,
    timeout: options?.timeout === undefined ? undefined : Duration.toMillis(options.timeout),
    headersTimeout: options?.headersTimeout,
    bodyTimeout: options?.bodyTimeout
  })

/**
 * A client over a fresh keep-alive `Agent`, destroyed when the scope closes.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options?: Options): Effect.Effect<HttpClient.HttpClient, never, Scope.Scope> =>
  Effect.map(
    Effect.acquireRelease(
      Effect.sync(() =>
        new Undici.Agent({
          connections: options?.connections ?? defaultConnections,
          ...(options?.keepAliveTimeout === undefined ? {} : { keepAliveTimeout: options.keepAliveTimeout }),
          ...(options?.connectTimeout === undefined ? {} : { connect: { timeout: options.connectTimeout } })
        })
      ),
      (agent) => Effect.promise(() => agent.destroy())
    ),
    (agent) => makeWithDispatcher(agent, options)
  )

/**
 * Provides the lean client as the `HttpClient`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options?: Options): Layer.Layer<HttpClient.HttpClient> =>
  Layer.scoped(HttpClient.HttpClient, make(options))
