/**
 * Everything a Node.js program needs to run effect-pusher, in one layer: the validated `PusherConfig`,
 * the lean pooled `HttpClient` of {@link NodePusherHttpClient} and the node:crypto primitives.
 *
 * ```ts
 * import { Pusher } from "@effect-pusher/core"
 * import { NodePusher } from "@effect-pusher/platform-node"
 *
 * Pusher.trigger("orders", "created", { id: 42 }).pipe(
 *   Effect.provide(NodePusher.layerConfig()), // PUSHER_URL, or PUSHER_APP_ID / PUSHER_KEY / PUSHER_SECRET ...
 *   Effect.runPromise
 * )
 * ```
 *
 * To keep per-request tracing spans or streaming, use the stock platform client instead:
 * `Layer.merge(NodePusher.layerWithoutHttpClient(options), NodeHttpClient.layerUndici)`.
 *
 * @since 1.0.0
 */
import * as PusherConfig from "@effect-pusher/core/PusherConfig"
import type * as Config from "effect/Config"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as ClientOptions from "./internal/clientOptions.js"
import * as NodePusherCrypto from "./NodePusherCrypto.js"
import type * as NodePusherHttpClient from "./NodePusherHttpClient.js"

/**
 * What the layers provide: every effect-pusher operation runs with these. (The node:crypto primitives are
 * installed too, as the value of the `PusherCrypto` reference, which a context does not list.)
 *
 * @since 1.0.0
 * @category models
 */
export type Services = PusherConfig.PusherConfig | HttpClient.HttpClient

/**
 * The config from options, the lean pooled client and node:crypto.
 *
 * @since 1.0.0
 * @category layers
 */
export const layer = (
  options: PusherConfig.Options,
  httpClient?: NodePusherHttpClient.Options
): Layer.Layer<Services, Config.ConfigError> =>
  Layer.provideMerge(clientLayer(httpClient), layerWithoutHttpClient(options))

/**
 * The lean client, enforcing `PusherConfig.timeout` per request itself (one timer, no extra fibers), unless
 * the options set another deadline. The options are read once, when the layer is built.
 */
const clientLayer = (options: NodePusherHttpClient.Options | undefined) =>
  Layer.effect(
    HttpClient.HttpClient,
    Effect.flatMap(
      PusherConfig.PusherConfig,
      (config) => ClientOptions.make(options, Duration.toMillis(config.timeout))
    )
  )

/**
 * The config from an Effect `Config` (by default `PusherConfig.fromEnv`: `PUSHER_URL`, or `PUSHER_APP_ID`,
 * `PUSHER_KEY`, `PUSHER_SECRET`, ...), the lean pooled client and node:crypto.
 *
 * @since 1.0.0
 * @category layers
 */
export const layerConfig = (
  config?: Config.Config<PusherConfig.Options>,
  httpClient?: NodePusherHttpClient.Options
): Layer.Layer<Services, Config.ConfigError> =>
  Layer.provideMerge(clientLayer(httpClient), layerConfigWithoutHttpClient(config))

/**
 * The config from options and node:crypto, for use with another `HttpClient` (for example
 * `NodeHttpClient.layerUndici` from `@effect/platform-node`, which traces every request).
 *
 * @since 1.0.0
 * @category layers
 */
export const layerWithoutHttpClient = (
  options: PusherConfig.Options
): Layer.Layer<PusherConfig.PusherConfig, Config.ConfigError> =>
  Layer.merge(PusherConfig.layer(options), NodePusherCrypto.layer)

/**
 * The config from an Effect `Config` (default `PusherConfig.fromEnv`) and node:crypto, for use with
 * another `HttpClient`.
 *
 * @since 1.0.0
 * @category layers
 */
export const layerConfigWithoutHttpClient = (
  config?: Config.Config<PusherConfig.Options>
): Layer.Layer<PusherConfig.PusherConfig, Config.ConfigError> =>
  Layer.merge(PusherConfig.layerConfig(config), NodePusherCrypto.layer)
