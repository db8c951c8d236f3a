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
 * @since 1.0.0
 */
import * as PusherHttpClient from "@effect-pusher/core/PusherHttpClient"
import type * as Config from "effect/Config"
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as Result from "effect/Result"
import type * as Scope from "effect/Scope"
import type * as Undici from "undici"
import * as ClientOptions from "./internal/clientOptions.js"

/**
 * The options of the pooled undici client: connections, response size limit and timeouts.
 *
 * @since 1.0.0
 * @category models
 */
export interface Options {
  /** Connections per origin, a positive integer; default 64. */
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
  readonly timeout?: Duration.Input | undefined
  /** How long an idle connection is kept open, in milliseconds (1 or more); default 4,000 (undici's). */
  readonly keepAliveTimeout?: number | undefined
  /** How long establishing a connection may take, in milliseconds (1 or more); default 10,000. */
  readonly connectTimeout?: number | undefined
  /**
   * Undici's own limits on waiting for the headers and between body chunks, in milliseconds (default
   * 300,000 each; 0 turns one off). Effect-pusher's operations apply `PusherConfig.timeout` themselves; these
   * are a backstop.
   */
  readonly headersTimeout?: number | undefined
  readonly bodyTimeout?: number | undefined
}

/**
 * The default of `connections`: connections kept per origin.
 *
 * @since 1.0.0
 * @category constants
 */
export const defaultConnections: number = ClientOptions.defaultConnections

/**
 * The default `maxResponseBytes`: 16 MiB, the same bound effect-pusher's operations apply to any other
 * client (`PusherHttpClient.defaultMaxResponseBytes`).
 *
 * @since 1.0.0
 * @category constants
 */
export const defaultMaxResponseBytes: number = PusherHttpClient.defaultMaxResponseBytes

/**
 * A client over a dispatcher that you own (an undici `Agent`, `Pool` for one origin, `MockAgent`, ...). An
 * invalid option, or any other key, is a `ConfigError` naming it (the answer is a `Result`: `Effect.fromResult`
 * lifts it).
 *
 * @since 1.0.0
 * @category constructors
 */
export const makeWithDispatcher = (
  dispatcher: Undici.Dispatcher,
  options?: Pick<Options, "maxResponseBytes" | "timeout" | "headersTimeout" | "bodyTimeout">
): Result.Result<HttpClient.HttpClient, Config.ConfigError> =>
  Result.map(
    ClientOptions.check(options, ClientOptions.dispatcherKeys),
    (checked) => ClientOptions.lean(dispatcher, checked)
  )

/**
 * A client over a fresh keep-alive `Agent`, destroyed when the scope closes. An invalid option, or any
 * other key, fails with a `ConfigError` naming it before the agent is made.
 *
 * @since 1.0.0
 * @category constructors
 */
export const make = (options?: Options): Effect.Effect<HttpClient.HttpClient, Config.ConfigError, Scope.Scope> =>
  ClientOptions.make(options, undefined)

/**
 * Provides the lean client as the `HttpClient`; an invalid option fails the layer's build with a
 * `ConfigError` naming it.
 *
 * @since 1.0.0
 * @category layers
 */
export const layer = (options?: Options): Layer.Layer<HttpClient.HttpClient, Config.ConfigError> =>
  Layer.effect(HttpClient.HttpClient, make(options))
