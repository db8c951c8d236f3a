/**
 * `PusherConfig`'s validation: the caller's options read once against the one table of keys, then every
 * field checked by its rule, each failure a `ConfigError` named after the option.
 *
 * @internal
 */
import * as Json from "@effect-pusher/protocol/Json"
import * as ConfigError from "effect/ConfigError"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import type { Service, Token } from "../PusherConfig.js"
import * as Rules from "./configRules.js"

/** @internal */
export const invalid = (field: string, rule: string): ConfigError.ConfigError =>
  ConfigError.InvalidData([field], `${field} ${rule}`)

/** @internal A field's answer, its failure named after the option. */
export const named = <A>(field: string, checked: Rules.Checked<A>): Either.Either<A, ConfigError.ConfigError> =>
  Either.mapLeft(checked, (rule) => invalid(field, rule))

type Snapshot = Partial<Record<Rules.Key, unknown>>

/** @internal An option bag read once against a table: a failure names the key (or `options` for a bag that threw). */
export const readBag = <K extends string>(
  field: string,
  bag: unknown,
  table: Json.KeyTable<K>
): Either.Either<Partial<Record<K, unknown>>, ConfigError.ConfigError> => {
  const read = Json.readOptions(field, bag, table)
  return read.ok ? Either.right(read.value) : Either.left(invalid(read.error.field, read.error.rule))
}

/** Two spellings of one setting given together fail, naming both; never one silently preferred. */
const sameSettingError = (options: Snapshot): Either.Either<void, ConfigError.ConfigError> => {
  for (const [first, second, rule] of Rules.sameSetting) {
    if (options[first] !== undefined && options[second] !== undefined) {
      return Either.left(invalid(first, `and ${second} ${rule}`))
    }
  }
  return Either.void
}

/** The scheme, from whichever of `scheme`, `useTLS` or `encrypted` was given (at most one, see `sameSettingError`). */
const schemeOf = (options: Snapshot): Either.Either<"http" | "https", ConfigError.ConfigError> => {
  if (options.scheme !== undefined) return named("scheme", Rules.scheme(options.scheme))
  const [field, value] = options.encrypted !== undefined ? ["encrypted", options.encrypted] : ["useTLS", options.useTLS]
  return Either.map(named(field, Rules.useTLS(value ?? true)), (tls) => tls ? "https" : "http")
}

/** `webhookTokens`, each entry read once against its own table (a caller's array may be a Proxy too). */
const readTokens = (value: unknown): Either.Either<ReadonlyArray<Token>, ConfigError.ConfigError> => {
  const entries: Array<unknown> = []
  try {
    if (!Array.isArray(value)) return Either.left(invalid("webhookTokens", "must be an array of { key, secret }"))
    if (value.length > Rules.maxWebhookTokens) {
      return Either.left(invalid("webhookTokens", `must hold at most ${Rules.maxWebhookTokens} tokens`))
    }
    for (let i = 0; i < value.length; i++) entries.push(value[i])
  } catch {
    return Either.left(invalid("webhookTokens", "could not be read (it threw while being read)"))
  }
  return Either.all(entries.map((entry, i) => {
    const field = `webhookTokens[${i}]`
    return Either.flatMap(readBag(field, entry, Rules.tokenKeys), (token) =>
      Either.all({
        key: named(`${field}.key`, Rules.key(token.key)),
        secret: named(`${field}.secret`, Rules.secret(token.secret))
      }))
  }))
}

/** @internal Untyped callers may pass anything: the bag is read once, every rule then works on that snapshot. */
/** @internal */
export const validate = (input: unknown): Either.Either<Service, ConfigError.ConfigError> =>
  Either.gen(function*() {
    const options = yield* readBag("", input, Rules.optionKeys)
    yield* sameSettingError(options)
    const appId = yield* named("appId", Rules.appId(options.appId))
    const key = yield* named("key", Rules.key(options.key))
    const secret = yield* named("secret", Rules.secret(options.secret))
    if (options.host !== undefined && options.cluster !== undefined) {
      return yield* Either.left(invalid("host", `and cluster ${Rules.hostAndCluster}`))
    }
    const place = options.cluster !== undefined
      ? { host: `api-${yield* named("cluster", Rules.cluster(options.cluster))}.pusher.com`, port: undefined }
      : options.host !== undefined
      ? yield* named("host", Rules.hostParts(options.host))
      : { host: Rules.defaultHost, port: undefined }
    const host = place.host
    const scheme = yield* schemeOf(options)
    const defaultPort = scheme === "https" ? 443 : 80
    const given = options.port === undefined ? undefined : yield* named("port", Rules.port(options.port))
    if (given !== undefined && place.port !== undefined && given !== place.port) {
      return yield* Either.left(
        invalid("port", `${given} and the port in host (${place.port}) differ: give the port once`)
      )
    }
    const port = given ?? place.port ?? defaultPort
    const timeout = yield* named("timeout", Rules.timeout(options.timeout ?? Rules.defaultTimeout))
    const maxPayloadBytes = yield* named(
      "maxPayloadBytes",
      Rules.maxPayloadBytes(options.maxPayloadBytes ?? Rules.defaultMaxPayloadBytes)
    )
    const maxEventsPerBatch = yield* named(
      "maxEventsPerBatch",
      Rules.positiveInteger(options.maxEventsPerBatch ?? Rules.defaultMaxEventsPerBatch)
    )
    const maxWatchlistSize = yield* named(
      "maxWatchlistSize",
      Rules.positiveInteger(options.maxWatchlistSize ?? Rules.defaultMaxWatchlistSize)
    )
    const encryptionMasterKey = options.encryptionMasterKeyBase64 !== undefined
      ? Option.some(yield* named("encryptionMasterKeyBase64", Rules.masterKey(options.encryptionMasterKeyBase64)))
      : options.encryptionMasterKey !== undefined
      ? Option.some(yield* named("encryptionMasterKey", Rules.rawMasterKey(options.encryptionMasterKey)))
      : Option.none()
    const webhookTokens = options.webhookTokens === undefined ? [] : yield* readTokens(options.webhookTokens)
    return {
      appId,
      key,
      secret,
      scheme,
      host,
      port,
      baseUrl: port === defaultPort ? `${scheme}://${host}` : `${scheme}://${host}:${port}`,
      pathPrefix: `/apps/${appId}`,
      timeout,
      encryptionMasterKey,
      maxPayloadBytes,
      maxEventsPerBatch,
      maxWatchlistSize,
      webhookTokens
    } satisfies Service
  })

// What the URL sets cannot be given beside it.
const fromUrlOnly: ReadonlyArray<Rules.Key> = [
  "appId",
  "key",
  "secret",
  "host",
  "cluster",
  "port",
  "useTLS",
  "scheme",
  "encrypted"
]

const urlKeys = (): Json.KeyTable<Rules.Key> => ({
  accepted: Rules.optionKeys.accepted.filter((key) => !fromUrlOnly.includes(key)),
  replacements: {
    ...Rules.optionKeys.replacements,
    ...Object.fromEntries(fromUrlOnly.map((key) => [key, "the URL, which sets it"]))
  }
})

/**
 * Built by a call marked pure, so that a program that never uses `layerFromUrl` does not build it.
 *
 * @internal
 */
export const urlOptionKeys: Json.KeyTable<Rules.Key> = /* @__PURE__ */ urlKeys()
