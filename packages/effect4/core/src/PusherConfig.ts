/**
 * Which Channels app to talk to, where, and with which credentials.
 *
 * Secrets (the app secret, the encryption master key, extra webhook secrets) are held as `Redacted`
 * from the moment they are read, so a config that is printed, logged or `JSON.stringify`-ed never
 * shows them. Every constructor validates everything and fails with Effect's `Config.ConfigError`: a Schema
 * issue at the path of the field (or of the environment variable) it names, without the value.
 *
 * @since 1.0.0
 */
import type * as Config from "effect/Config"
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import * as ConfigEnv from "./internal/configEnv.js"
import * as Rules from "./internal/configRules.js"
import * as Validate from "./internal/configValidate.js"

/**
 * An app key and secret that may also sign webhooks (an app can have several tokens; the oldest active
 * one signs).
 *
 * @since 1.0.0
 * @category models
 */
export interface Token {
  readonly key: string
  readonly secret: Redacted.Redacted<string>
}

/**
 * The validated configuration.
 *
 * @since 1.0.0
 * @category models
 */
export interface Service {
  readonly appId: string
  readonly key: string
  readonly secret: Redacted.Redacted<string>
  readonly scheme: "http" | "https"
  readonly host: string
  readonly port: number
  /** `scheme://host[:port]`, the port omitted when it is the scheme's default. */
  readonly baseUrl: string
  /** `/apps/{appId}`: every signed path starts with it. */
  readonly pathPrefix: string
  readonly timeout: Duration.Duration
  readonly encryptionMasterKey: Option.Option<Redacted.Redacted<Uint8Array>>
  readonly maxPayloadBytes: number
  /** Events one `triggerBatch` (and one `PusherBatching` request) may carry. */
  readonly maxEventsPerBatch: number
  /** User ids one `authenticateUser` watchlist may hold. */
  readonly maxWatchlistSize: number
  /** Tokens besides `key`/`secret` whose webhooks are accepted. */
  readonly webhookTokens: ReadonlyArray<Token>
}

/**
 * The service holding the checked configuration of one Channels app, required by every operation.
 *
 * @since 1.0.0
 * @category tags
 */
export class PusherConfig extends Context.Service<PusherConfig, Service>()("@effect-pusher/core/PusherConfig") {}

/**
 * What a user writes; secrets may be given as plain strings or as `Redacted`. The official library's
 * spellings (`scheme`, `encrypted`, `encryptionMasterKey`, a string `port`, `host:port`) are accepted too;
 * two spellings of one setting together, or any other key, fail with a `ConfigError` naming the key.
 *
 * @since 1.0.0
 * @category models
 */
export interface Options {
  readonly appId: string | number
  readonly key: string
  readonly secret: string | Redacted.Redacted<string>
  /** `mt1`, `eu`, ...: the host becomes `api-{cluster}.pusher.com`. Not together with `host`. */
  readonly cluster?: string | undefined
  /**
   * A host name such as `127.0.0.1` or `soketi.internal`, optionally with its port (`localhost:6001`).
   * Defaults to `api-mt1.pusher.com`.
   */
  readonly host?: string | undefined
  /** A number or a numeric string (`"6001"`). Defaults to 443 with TLS and 80 without. */
  readonly port?: number | string | undefined
  /** Defaults to `true` (https). */
  readonly useTLS?: boolean | undefined
  /** The official library's spelling of `useTLS`: `"https"` or `"http"`. Not together with `useTLS`. */
  readonly scheme?: "http" | "https" | undefined
  /** Deprecated spelling of `useTLS` (as in the official library). Not together with `useTLS` or `scheme`. */
  readonly encrypted?: boolean | undefined
  /** Per-request timeout, default 10 seconds. */
  readonly timeout?: Duration.Input | undefined
  /** Base64 of exactly 32 bytes; enables `private-encrypted-` channels. */
  readonly encryptionMasterKeyBase64?: string | Redacted.Redacted<string> | undefined
  /**
   * The official library's raw key: a string of exactly 32 bytes. Not together with
   * `encryptionMasterKeyBase64`, which is preferred (it can hold any byte).
   */
  readonly encryptionMasterKey?: string | Redacted.Redacted<string> | undefined
  /** The event data limit in UTF-8 bytes, default 10,240; dedicated clusters allow more. */
  readonly maxPayloadBytes?: number | undefined
  /** Events per `triggerBatch` and per `PusherBatching` request, default 10; dedicated clusters allow more. */
  readonly maxEventsPerBatch?: number | undefined
  /** User ids per `authenticateUser` watchlist, default 100 (plan-dependent). */
  readonly maxWatchlistSize?: number | undefined
  /** More tokens whose signed webhooks are accepted. */
  readonly webhookTokens?:
    | ReadonlyArray<{ readonly key: string; readonly secret: string | Redacted.Redacted<string> }>
    | undefined
}

/**
 * The host used when neither `host` nor `cluster` is given: the `mt1` cluster, as in the official library.
 *
 * @since 1.0.0
 * @category constants
 */
export const defaultHost: string = Rules.defaultHost

/**
 * The default of `maxPayloadBytes`: Channels' 10 KB limit on the data of one event, in bytes.
 *
 * @since 1.0.0
 * @category constants
 */
export const defaultMaxPayloadBytes: number = Rules.defaultMaxPayloadBytes

/**
 * The default of `timeout`: how long one request may take before it fails, 10 seconds.
 *
 * @since 1.0.0
 * @category constants
 */
export const defaultTimeout: Duration.Duration = Rules.defaultTimeout

/**
 * Events per batch on the multi-tenant clusters, the default of `maxEventsPerBatch`.
 *
 * @since 1.0.0
 * @category constants
 */
export const defaultMaxEventsPerBatch: number = Rules.defaultMaxEventsPerBatch

/**
 * Watchlist entries the standard plans allow, the default of `maxWatchlistSize`.
 *
 * @since 1.0.0
 * @category constants
 */
export const defaultMaxWatchlistSize: number = Rules.defaultMaxWatchlistSize

const named = <A>(field: string, checked: Rules.Checked<A>): Result.Result<A, Config.ConfigError> =>
  Validate.named(field, checked)

/**
 * Decodes an encryption master key: strict base64 of exactly 32 bytes. The key itself never appears in
 * the error.
 *
 * @since 1.0.0
 * @category constructors
 */
export const decodeMasterKey = (
  base64: string | Redacted.Redacted<string>,
  field = "encryptionMasterKeyBase64"
): Result.Result<Redacted.Redacted<Uint8Array>, Config.ConfigError> =>
  named(label(field, "encryptionMasterKeyBase64"), Rules.masterKey(base64))

// A field name from an untyped caller that is not a string is not printed (it may throw when it is).
const label = (field: unknown, fallback: string): string => typeof field === "string" ? field : fallback

/**
 * Validates options into a {@link Service}, without effects.
 *
 * @since 1.0.0
 * @category constructors
 */
export const validate = (options: Options): Result.Result<Service, Config.ConfigError> => Validate.validate(options)

/**
 * Checks options and builds the configuration service, failing with a `ConfigError` that names the
 * wrong key.
 *
 * @since 1.0.0
 * @category constructors
 */
export const make = (options: Options): Effect.Effect<Service, Config.ConfigError> =>
  Effect.suspend(() => Effect.fromResult(Validate.validate(options)))

/**
 * The validated config as a layer: the options are read once, when the layer is built, and any invalid or
 * unknown one fails the build with a `ConfigError` naming it.
 *
 * @since 1.0.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<PusherConfig, Config.ConfigError> =>
  Layer.effect(PusherConfig, make(options))

/**
 * Parses `http[s]://key:secret@host[:port]/apps/ID` into options. The URL never appears in an error,
 * because it contains the secret.
 *
 * @since 1.0.0
 * @category constructors
 */
export const optionsFromUrl = (
  url: string | Redacted.Redacted<string>,
  field = "PUSHER_URL"
): Result.Result<Options, Config.ConfigError> => named(label(field, "PUSHER_URL"), Rules.url(url))

/**
 * The config from a `PUSHER_URL` and further options; an option that the URL sets (the app, the
 * credentials, the host, the port, the scheme) is refused rather than silently overridden. The URL and the
 * options are read when the layer is built.
 *
 * @since 1.0.0
 * @category layers
 */
export const layerFromUrl = (
  url: string | Redacted.Redacted<string>,
  options?: Omit<Options, "appId" | "key" | "secret" | "host" | "cluster" | "port" | "useTLS" | "scheme" | "encrypted">
): Layer.Layer<PusherConfig, Config.ConfigError> =>
  Layer.effect(
    PusherConfig,
    Effect.suspend(() =>
      Effect.fromResult(
        Result.flatMap(
          optionsFromUrl(url, "url"),
          (fromUrl) =>
            Result.flatMap(
              Validate.readBag("", options, Validate.urlOptionKeys),
              (more) => Validate.validate({ ...more, ...fromUrl })
            )
        )
      )
    )
  )

/**
 * Reads the configuration from the environment (or any `ConfigProvider`): `PUSHER_URL`, or else
 * `PUSHER_APP_ID`, `PUSHER_KEY`, `PUSHER_SECRET` with optional `PUSHER_CLUSTER`, `PUSHER_HOST`; and in
 * both cases optional `PUSHER_PORT`, `PUSHER_USE_TLS`, `PUSHER_ENCRYPTION_MASTER_KEY_BASE64`,
 * `PUSHER_TIMEOUT`, `PUSHER_MAX_PAYLOAD_BYTES`, `PUSHER_MAX_EVENTS_PER_BATCH` and
 * `PUSHER_MAX_WATCHLIST_SIZE`. A missing or invalid variable fails with Effect's own
 * `ConfigError` at that variable's path.
 *
 * @since 1.0.0
 * @category config
 */
export const fromEnv: Config.Config<Options> = ConfigEnv.fromEnv

/**
 * Builds the config from an Effect `Config` (by default {@link fromEnv}) and validates it.
 *
 * @since 1.0.0
 * @category layers
 */
export const layerConfig = (
  config: Config.Config<Options> = fromEnv
): Layer.Layer<PusherConfig, Config.ConfigError> => Layer.effect(PusherConfig, Effect.flatMap(config, make))
