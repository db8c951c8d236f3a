/**
 * `PusherConfig`'s validation: the caller's options read once against the one table of keys, then every
 * field checked by its rule, each failure a `ConfigError` named after the option.
 *
 * @internal
 */
import * as Json from "@effect-pusher/protocol/Json"
import type * as Config from "effect/Config"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import type { Service, Token } from "../PusherConfig.js"
import * as Rules from "./configRules.js"

/** @internal A field that broke its rule: Effect's `ConfigError` at the field's path (see `Rules.configError`). */
export const invalid = (field: string, rule: string): Config.ConfigError => Rules.configError(field, `${field} ${rule}`)

/** @internal A field's answer, its failure named after the option. */
export const named = <A>(field: string, checked: Rules.Checked<A>): Result.Result<A, Config.ConfigError> =>
  Result.mapError(checked, (rule) => invalid(field, rule))

type Snapshot = Partial<Record<Rules.Key, unknown>>

/** @internal An option bag read once against a table: a failure names the key (or `options` for a bag that threw). */
export const readBag = <K extends string>(
  field: string,
  bag: unknown,
  table: Json.KeyTable<K>
): Result.Result<Partial<Record<K, unknown>>, Config.ConfigError> => {
  const read = Json.readOptions(field, bag, table)
  return read.ok ? Result.succeed(read.value) : Result.fail(invalid(read.error.field, read.error.rule))
}

/** Two spellings of one setting given together fail, naming both; never one silently preferred. */
const sameSettingError = (options: Snapshot): Config.ConfigError | undefined => {
  for (const [first, second, rule] of Rules.sameSetting) {
    if (options[first] !== undefined && options[second] !== undefined) return invalid(first, `and ${second} ${rule}`)
  }
  return undefined
}

/** The scheme, from whichever of `scheme`, `useTLS` or `encrypted` was given (at most one, see `sameSettingError`). */
const schemeOf = (options: Snapshot): Result.Result<"http" | "https", Config.ConfigError> => {
  if (options.scheme !== undefined) return named("scheme", Rules.scheme(options.scheme))
  const [field, value] = options.encrypted !== undefined ? ["encrypted", options.encrypted] : ["useTLS", options.useTLS]
  return Result.map(named(field, Rules.useTLS(value ?? true)), (tls) => tls ? "https" : "http")
}

/** `webhookTokens`, each entry read once against its own table (a caller's array may be a Proxy too). */
const readTokens = (value: unknown): Result.Result<ReadonlyArray<Token>, Config.ConfigError> => {
  const entries: Array<unknown> = []
  try {
    if (!Array.isArray(value)) return Result.fail(invalid("webhookTokens", "must be an array of { key, secret }"))
    if (value.length > Rules.maxWebhookTokens) {
      return Result.fail(invalid("webhookTokens", `must hold at most ${Rules.maxWebhookTokens} tokens`))
    }
    for (let i = 0; i < value.length; i++) entries.push(value[i])
  } catch {
    return Result.fail(invalid("webhookTokens", "could not be read (it threw while being read)"))
  }
  const tokens: Array<Token> = []
  for (let i = 0; i < entries.length; i++) {
    const field = `webhookTokens[${i}]`
    const token = readBag(field, entries[i], Rules.tokenKeys)
    if (Result.isFailure(token)) return Result.fail(token.failure)
    const key = named(`${field}.key`, Rules.key(token.success.key))
    if (Result.isFailure(key)) return Result.fail(key.failure)
    const secret = named(`${field}.secret`, Rules.secret(token.success.secret))
    if (Result.isFailure(secret)) return Result.fail(secret.failure)
    tokens.push({ key: key.success, secret: secret.success })
  }
  return Result.succeed(tokens)
}

/**
 * @internal Untyped callers may pass anything: the bag is read once, every rule then works on that snapshot.
 * Each field in turn, the first failure returned: plain early returns rather than `Result.gen` and
 * `Result.all`, which every Worker would load for this one function (check:size +15 410 → +15 335 bytes
 * gzipped over the baseline).
 */
export const validate = (input: unknown): Result.Result<Service, Config.ConfigError> => {
  const read = readBag("", input, Rules.optionKeys)
  if (Result.isFailure(read)) return Result.fail(read.failure)
  const options = read.success
  const same = sameSettingError(options)
  if (same !== undefined) return Result.fail(same)
  const appId = named("appId", Rules.appId(options.appId))
  if (Result.isFailure(appId)) return Result.fail(appId.failure)
  const key = named("key", Rules.key(options.key))
  if (Result.isFailure(key)) return Result.fail(key.failure)
  const secret = named("secret", Rules.secret(options.secret))
  if (Result.isFailure(secret)) return Result.fail(secret.failure)
  if (options.host !== undefined && options.cluster !== undefined) {
    return Result.fail(invalid("host", `and cluster ${Rules.hostAndCluster}`))
  }
  const place = options.cluster !== undefined
    ? Result.map(named("cluster", Rules.cluster(options.cluster)), (cluster) => ({
      host: `api-${cluster}.pusher.com`,
      port: undefined
    }))
    : options.host !== undefined
    ? named("host", Rules.hostParts(options.host))
    : Result.succeed({ host: Rules.defaultHost, port: undefined })
  if (Result.isFailure(place)) return Result.fail(place.failure)
  const host = place.success.host
  const scheme = schemeOf(options)
  if (Result.isFailure(scheme)) return Result.fail(scheme.failure)
  const defaultPort = scheme.success === "https" ? 443 : 80
  const given = options.port === undefined ? Result.succeed(undefined) : named("port", Rules.port(options.port))
  if (Result.isFailure(given)) return Result.fail(given.failure)
  if (given.success !== undefined && place.success.port !== undefined && given.success !== place.success.port) {
    return Result.fail(
      invalid("port", `${given.success} and the port in host (${place.success.port}) differ: give the port once`)
    )
  }
  const port = given.success ?? place.success.port ?? defaultPort
  const timeout = named("timeout", Rules.timeout(options.timeout ?? Rules.defaultTimeout))
  if (Result.isFailure(timeout)) return Result.fail(timeout.failure)
  const maxPayloadBytes = named(
    "maxPayloadBytes",
    Rules.maxPayloadBytes(options.maxPayloadBytes ?? Rules.defaultMaxPayloadBytes)
  )
  if (Result.isFailure(maxPayloadBytes)) return Result.fail(maxPayloadBytes.failure)
  const maxEventsPerBatch = named(
    "maxEventsPerBatch",
    Rules.positiveInteger(options.maxEventsPerBatch ?? Rules.defaultMaxEventsPerBatch)
  )
  if (Result.isFailure(maxEventsPerBatch)) return Result.fail(maxEventsPerBatch.failure)
  const maxWatchlistSize = named(
    "maxWatchlistSize",
    Rules.positiveInteger(options.maxWatchlistSize ?? Rules.defaultMaxWatchlistSize)
  )
  if (Result.isFailure(maxWatchlistSize)) return Result.fail(maxWatchlistSize.failure)
  const encryptionMasterKey = options.encryptionMasterKeyBase64 !== undefined
    ? Result.map(named("encryptionMasterKeyBase64", Rules.masterKey(options.encryptionMasterKeyBase64)), Option.some)
    : options.encryptionMasterKey !== undefined
    ? Result.map(named("encryptionMasterKey", Rules.rawMasterKey(options.encryptionMasterKey)), Option.some)
    : Result.succeed(Option.none())
  if (Result.isFailure(encryptionMasterKey)) return Result.fail(encryptionMasterKey.failure)
  const webhookTokens = options.webhookTokens === undefined ? Result.succeed([]) : readTokens(options.webhookTokens)
  if (Result.isFailure(webhookTokens)) return Result.fail(webhookTokens.failure)
  const base = `${scheme.success}://${host}`
  return Result.succeed(
    {
      appId: appId.success,
      key: key.success,
      secret: secret.success,
      scheme: scheme.success,
      host,
      port,
      baseUrl: port === defaultPort ? base : `${base}:${port}`,
      pathPrefix: `/apps/${appId.success}`,
      timeout: timeout.success,
      encryptionMasterKey: encryptionMasterKey.success,
      maxPayloadBytes: maxPayloadBytes.success,
      maxEventsPerBatch: maxEventsPerBatch.success,
      maxWatchlistSize: maxWatchlistSize.success,
      webhookTokens: webhookTokens.success
    } satisfies Service
  )
}

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
