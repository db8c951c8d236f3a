/**
 * Which Channels app to talk to, where, and with which credentials.
 *
 * Secrets (the app secret, the encryption master key, extra webhook secrets) are held as `Redacted`
 * from the moment they are read, so a config that is printed, logged or `JSON.stringify`-ed never
 * shows them. Every constructor validates everything and fails with a `ConfigError` naming the field.
 *
 * @since 0.1.0
 */
import * as Encoding from "@effect-pusher/protocol/Encoding"
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"

/**
 * An app key and secret that may also sign webhooks (an app can have several tokens; the oldest active
 * one signs).
 *
 * @since 0.1.0
 * @category models
 */
export interface Token {
  readonly key: string
  readonly secret: Redacted.Redacted<string>
}

/**
 * The validated configuration.
 *
 * @since 0.1.0
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
  /** Tokens besides `key`/`secret` whose webhooks are accepted. */
  readonly webhookTokens: ReadonlyArray<Token>
}

/**
 * The mark of an `HttpClient` that enforces a per-request deadline by itself: the property keyed by this
 * symbol holds the deadline in milliseconds, and the client fails an expired request with a `RequestError`
 * whose cause is a `TimeoutException`. When it equals the configured `timeout`, operations do not start a
 * timer of their own. A client derived with a combinator (`mapRequest`, ...) does not carry the mark, so the
 * operations time it themselves.
 *
 * @since 0.1.0
 * @category symbols
 */
export const ClientDeadlineId: unique symbol = Symbol.for("@effect-pusher/core/PusherConfig/ClientDeadline")

/**
 * @since 0.1.0
 * @category tags
 */
export class PusherConfig extends Context.Tag("@effect-pusher/core/PusherConfig")<PusherConfig, Service>() {}

/**
 * What a user writes; secrets may be given as plain strings or as `Redacted`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly appId: string | number
  readonly key: string
  readonly secret: string | Redacted.Redacted<string>
  /** `mt1`, `eu`, ...: the host becomes `api-{cluster}.pusher.com`. Not together with `host`. */
  readonly cluster?: string | undefined
  /** A bare host name such as `127.0.0.1` or `soketi.internal`. Defaults to `api-mt1.pusher.com`. */
  readonly host?: string | undefined
  /** Defaults to 443 with TLS and 80 without. */
  readonly port?: number | undefined
  /** Defaults to `true` (https). */
  readonly useTLS?: boolean | undefined
  /** Per-request timeout, default 10 seconds. */
  readonly timeout?: Duration.DurationInput | undefined
  /** Base64 of exactly 32 bytes; enables `private-encrypted-` channels. */
  readonly encryptionMasterKeyBase64?: string | Redacted.Redacted<string> | undefined
  /** The event data limit in UTF-8 bytes, default 10,240; dedicated clusters allow more. */
  readonly maxPayloadBytes?: number | undefined
  /** More tokens whose signed webhooks are accepted. */
  readonly webhookTokens?:
    | ReadonlyArray<{ readonly key: string; readonly secret: string | Redacted.Redacted<string> }>
    | undefined
}

/**
 * @since 0.1.0
 * @category constants
 */
export const defaultHost = "api-mt1.pusher.com"

/**
 * @since 0.1.0
 * @category constants
 */
export const defaultMaxPayloadBytes = 10_240

/**
 * @since 0.1.0
 * @category constants
 */
export const defaultTimeout: Duration.Duration = Duration.seconds(10)

const maxTimeout = Duration.days(24)

const invalid = (field: string, rule: string) => ConfigError.InvalidData([field], `${field} ${rule}`)

const appIdPattern = /^[A-Za-z0-9_\-.]{1,100}$/
const keyPattern = /^[A-Za-z0-9_\-.]{1,200}$/
const clusterPattern = /^[a-z0-9-]{1,63}$/
const hostPattern = /^(?:[A-Za-z0-9_\-.]{1,253}|\[[0-9A-Fa-f:.]+\])$/

const reveal = <A>(value: A | Redacted.Redacted<A>): A => Redacted.isRedacted(value) ? Redacted.value(value) : value

const checkSecret = (field: string, value: string): Either.Either<void, ConfigError.ConfigError> =>
  value.length === 0 ? Either.left(invalid(field, "must be a non-empty string")) : Either.void

/**
 * Decodes an encryption master key: strict base64 of exactly 32 bytes. The key itself never appears in
 * the error.
 *
 * @since 0.1.0
 * @category constructors
 */
export const decodeMasterKey = (
  base64: string | Redacted.Redacted<string>,
  field = "encryptionMasterKeyBase64"
): Either.Either<Redacted.Redacted<Uint8Array>, ConfigError.ConfigError> => {
  const text = reveal(base64)
  if (typeof text !== "string") return Either.left(invalid(field, "must be a string"))
  const bytes = Encoding.base64DecodeStrict(text)
  if (bytes === undefined) return Either.left(invalid(field, "must be valid (strict, padded) base64"))
  if (bytes.length !== 32) {
    return Either.left(invalid(field, `must decode to exactly 32 bytes, but decodes to ${bytes.length}`))
  }
  return Either.right(Redacted.make(bytes))
}

/**
 * Validates options into a {@link Service}, without effects.
 *
 * @since 0.1.0
 * @category constructors
 */
export const validate = (options: Options): Either.Either<Service, ConfigError.ConfigError> => {
  const appId = typeof options.appId === "number"
    ? (Number.isSafeInteger(options.appId) && options.appId >= 0 ? String(options.appId) : "")
    : options.appId
  // "." and ".." would be resolved away in the URL, so requests would not reach the signed path.
  if (typeof appId !== "string" || !appIdPattern.test(appId) || appId === "." || appId === "..") {
    return Either.left(invalid("appId", "must be a non-negative integer or 1-100 characters of [A-Za-z0-9_-.]"))
  }
  if (typeof options.key !== "string" || !keyPattern.test(options.key)) {
    return Either.left(invalid("key", "must be 1-200 characters of [A-Za-z0-9_-.]"))
  }
  const secret = reveal(options.secret)
  if (typeof secret !== "string") return Either.left(invalid("secret", "must be a string"))
  const secretCheck = checkSecret("secret", secret)
  if (Either.isLeft(secretCheck)) return Either.left(secretCheck.left)

  if (options.host !== undefined && options.cluster !== undefined) {
    return Either.left(invalid("host", "and cluster cannot both be set: the cluster only chooses the host"))
  }
  let host = defaultHost
  if (options.cluster !== undefined) {
    if (typeof options.cluster !== "string" || !clusterPattern.test(options.cluster)) {
      return Either.left(invalid("cluster", "must be a cluster name such as mt1 or eu"))
    }
    host = `api-${options.cluster}.pusher.com`
  } else if (options.host !== undefined) {
    if (typeof options.host !== "string" || !hostPattern.test(options.host)) {
      return Either.left(
        invalid("host", "must be a bare host name (no scheme, port or path: use useTLS and port for those)")
      )
    }
    host = options.host
  }

  const useTLS = options.useTLS ?? true
  if (typeof useTLS !== "boolean") return Either.left(invalid("useTLS", "must be a boolean"))
  const scheme = useTLS ? "https" : "http"
  const defaultPort = useTLS ? 443 : 80
  const port = options.port ?? defaultPort
  if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535) {
    return Either.left(invalid("port", "must be an integer from 1 to 65535"))
  }

  const timeout = Duration.decodeUnknown(options.timeout ?? defaultTimeout)
  // Timers hold at most 2^31 - 1 ms (about 24.8 days); beyond that they fire at once.
  if (
    Option.isNone(timeout) || !Duration.greaterThan(timeout.value, Duration.zero) ||
    !Duration.lessThanOrEqualTo(timeout.value, maxTimeout)
  ) {
    return Either.left(invalid("timeout", "must be a positive duration of at most 24 days"))
  }

  const maxPayloadBytes = options.maxPayloadBytes ?? defaultMaxPayloadBytes
  if (typeof maxPayloadBytes !== "number" || !Number.isSafeInteger(maxPayloadBytes) || maxPayloadBytes < 1) {
    return Either.left(invalid("maxPayloadBytes", "must be a positive integer"))
  }

  let encryptionMasterKey: Option.Option<Redacted.Redacted<Uint8Array>> = Option.none()
  if (options.encryptionMasterKeyBase64 !== undefined) {
    const decoded = decodeMasterKey(options.encryptionMasterKeyBase64)
    if (Either.isLeft(decoded)) return Either.left(decoded.left)
    encryptionMasterKey = Option.some(decoded.right)
  }

  const webhookTokens: Array<Token> = []
  const extra = options.webhookTokens ?? []
  if (!Array.isArray(extra)) return Either.left(invalid("webhookTokens", "must be an array of { key, secret }"))
  for (let i = 0; i < extra.length; i++) {
    const token = extra[i]
    const field = `webhookTokens[${i}]`
    if (typeof token?.key !== "string" || !keyPattern.test(token.key)) {
      return Either.left(invalid(`${field}.key`, "must be 1-200 characters of [A-Za-z0-9_-.]"))
    }
    const tokenSecret = reveal(token.secret)
    if (typeof tokenSecret !== "string" || tokenSecret.length === 0) {
      return Either.left(invalid(`${field}.secret`, "must be a non-empty string"))
    }
    webhookTokens.push({ key: token.key, secret: Redacted.make(tokenSecret) })
  }

  return Either.right({
    appId,
    key: options.key,
    secret: Redacted.isRedacted(options.secret) ? options.secret : Redacted.make(secret),
    scheme,
    host,
    port,
    baseUrl: port === defaultPort ? `${scheme}://${host}` : `${scheme}://${host}:${port}`,
    pathPrefix: `/apps/${appId}`,
    timeout: timeout.value,
    encryptionMasterKey,
    maxPayloadBytes,
    webhookTokens
  })
}

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options): Effect.Effect<Service, ConfigError.ConfigError> => validate(options)

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<PusherConfig, ConfigError.ConfigError> =>
  Layer.effect(PusherConfig, make(options))

/**
 * Parses `http[s]://key:secret@host[:port]/apps/ID` into options. The URL never appears in an error,
 * because it contains the secret.
 *
 * @since 0.1.0
 * @category constructors
 */
export const optionsFromUrl = (
  url: string | Redacted.Redacted<string>,
  field = "PUSHER_URL"
): Either.Either<Options, ConfigError.ConfigError> => {
  const text = reveal(url)
  const rule = "must look like https://KEY:SECRET@HOST[:PORT]/apps/APP_ID"
  if (typeof text !== "string" || !URL.canParse(text)) return Either.left(invalid(field, `${rule} (not a URL)`))
  const parsed = new URL(text)
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    return Either.left(invalid(field, `${rule} (scheme must be http or https)`))
  }
  if (parsed.username === "" || parsed.password === "") {
    return Either.left(invalid(field, `${rule} (missing key or secret)`))
  }
  const match = /^\/apps\/([^/]+)\/?$/.exec(parsed.pathname)
  if (match === null || parsed.search !== "" || parsed.hash !== "") {
    return Either.left(invalid(field, `${rule} (the path must be /apps/APP_ID)`))
  }
  let key: string
  let secret: string
  try {
    key = decodeURIComponent(parsed.username)
    secret = decodeURIComponent(parsed.password)
  } catch {
    return Either.left(invalid(field, `${rule} (bad percent-encoding in key or secret)`))
  }
  return Either.right({
    appId: match[1]!,
    key,
    secret: Redacted.make(secret),
    host: parsed.hostname,
    useTLS: parsed.protocol === "https:",
    ...(parsed.port === "" ? {} : { port: Number(parsed.port) })
  })
}

/**
 * @since 0.1.0
 * @category layers
 */
export const layerFromUrl = (
  url: string | Redacted.Redacted<string>,
  options?: Omit<Options, "appId" | "key" | "secret" | "host" | "cluster" | "port" | "useTLS">
): Layer.Layer<PusherConfig, ConfigError.ConfigError> =>
  Layer.effect(
    PusherConfig,
    Effect.flatMap(optionsFromUrl(url, "url"), (fromUrl) => make({ ...options, ...fromUrl }))
  )

/**
 * Reads the configuration from the environment (or any `ConfigProvider`): `PUSHER_URL`, or else
 * `PUSHER_APP_ID`, `PUSHER_KEY`, `PUSHER_SECRET` with optional `PUSHER_CLUSTER`, `PUSHER_HOST`,
 * `PUSHER_PORT`, `PUSHER_USE_TLS`; and in both cases optional `PUSHER_ENCRYPTION_MASTER_KEY_BASE64`,
 * `PUSHER_TIMEOUT` and `PUSHER_MAX_PAYLOAD_BYTES`.
 *
 * @since 0.1.0
 * @category config
 */
export const fromEnv: Config.Config<Options> = Config.all({
  url: Config.option(Config.redacted("PUSHER_URL")),
  appId: Config.option(Config.string("PUSHER_APP_ID")),
  key: Config.option(Config.string("PUSHER_KEY")),
  secret: Config.option(Config.redacted("PUSHER_SECRET")),
  cluster: Config.option(Config.string("PUSHER_CLUSTER")),
  host: Config.option(Config.string("PUSHER_HOST")),
  port: Config.option(Config.integer("PUSHER_PORT")),
  useTLS: Config.option(Config.boolean("PUSHER_USE_TLS")),
  encryptionMasterKeyBase64: Config.option(Config.redacted("PUSHER_ENCRYPTION_MASTER_KEY_BASE64")),
  timeout: Config.option(Config.duration("PUSHER_TIMEOUT")),
  maxPayloadBytes: Config.option(Config.integer("PUSHER_MAX_PAYLOAD_BYTES"))
}).pipe(
  Config.mapOrFail((env): Either.Either<Options, ConfigError.ConfigError> =>
    Either.flatMap(envOptions(env), (options) =>
      // Validated here too, so that a bad value is reported under the variable that holds it.
      Either.match(validate(options), {
        onLeft: (error) => Either.left(renameField(error, Option.isSome(env.url))),
        onRight: () => Either.right(options)
      }))
  )
)

const envNames: Readonly<Record<string, string>> = {
  appId: "PUSHER_APP_ID",
  key: "PUSHER_KEY",
  secret: "PUSHER_SECRET",
  cluster: "PUSHER_CLUSTER",
  host: "PUSHER_HOST",
  port: "PUSHER_PORT",
  useTLS: "PUSHER_USE_TLS",
  encryptionMasterKeyBase64: "PUSHER_ENCRYPTION_MASTER_KEY_BASE64",
  timeout: "PUSHER_TIMEOUT",
  maxPayloadBytes: "PUSHER_MAX_PAYLOAD_BYTES"
}

const fromUrlFields = new Set(["appId", "key", "secret", "host"])

const renameField = (error: ConfigError.ConfigError, fromUrl: boolean): ConfigError.ConfigError => {
  if (error._op !== "InvalidData" || error.path.length !== 1) return error
  const field = error.path[0]!
  const name = fromUrl && fromUrlFields.has(field) ? "PUSHER_URL" : envNames[field]
  return name === undefined ? error : ConfigError.InvalidData([name], `${name}: ${error.message}`)
}

const envOptions = (env: {
  readonly url: Option.Option<Redacted.Redacted<string>>
  readonly appId: Option.Option<string>
  readonly key: Option.Option<string>
  readonly secret: Option.Option<Redacted.Redacted<string>>
  readonly cluster: Option.Option<string>
  readonly host: Option.Option<string>
  readonly port: Option.Option<number>
  readonly useTLS: Option.Option<boolean>
  readonly encryptionMasterKeyBase64: Option.Option<Redacted.Redacted<string>>
  readonly timeout: Option.Option<Duration.Duration>
  readonly maxPayloadBytes: Option.Option<number>
}): Either.Either<Options, ConfigError.ConfigError> => {
  const common = {
    encryptionMasterKeyBase64: Option.getOrUndefined(env.encryptionMasterKeyBase64),
    timeout: Option.getOrUndefined(env.timeout),
    maxPayloadBytes: Option.getOrUndefined(env.maxPayloadBytes)
  }
  if (Option.isSome(env.url)) {
    return Either.map(optionsFromUrl(env.url.value), (fromUrl) => ({
      ...common,
      ...fromUrl,
      ...(Option.isSome(env.port) ? { port: env.port.value } : {}),
      ...(Option.isSome(env.useTLS) ? { useTLS: env.useTLS.value } : {})
    }))
  }
  const missing = [
    ["PUSHER_APP_ID", env.appId],
    ["PUSHER_KEY", env.key],
    ["PUSHER_SECRET", env.secret]
  ].filter(([, value]) => Option.isNone(value as Option.Option<unknown>)).map(([name]) => name as string)
  if (missing.length > 0 || Option.isNone(env.appId) || Option.isNone(env.key) || Option.isNone(env.secret)) {
    return Either.left(
      ConfigError.MissingData(
        missing,
        `Expected PUSHER_URL, or ${missing.join(", ")} (with PUSHER_APP_ID, PUSHER_KEY and PUSHER_SECRET together)`
      )
    )
  }
  return Either.right({
    ...common,
    appId: env.appId.value,
    key: env.key.value,
    secret: env.secret.value,
    cluster: Option.getOrUndefined(env.cluster),
    host: Option.getOrUndefined(env.host),
    port: Option.getOrUndefined(env.port),
    useTLS: Option.getOrUndefined(env.useTLS)
  })
}

/**
 * Builds the config from an Effect `Config` (by default {@link fromEnv}) and validates it.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  config: Config.Config<Options> = fromEnv
): Layer.Layer<PusherConfig, ConfigError.ConfigError> => Layer.effect(PusherConfig, Effect.flatMap(config, make))
