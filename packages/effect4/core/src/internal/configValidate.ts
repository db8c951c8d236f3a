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
const sameSettingError = (options: Snapshot): ConfigError.ConfigError | undefined => {
  for (const [first, second, rule] of Rules.sameSetting) {
    if (options[first] !== undefined && options[second] !== undefined) return invalid(first, `and ${second} ${rule}`)
  }
  return undefined
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
  const tokens: Array<Token> = []
  for (let i = 0; i < entries.length; i++) {
    const field = `webhookTokens[${i}]`
    const token = readBag(field, entries[i], Rules.tokenKeys)
    if (Either.isLeft(token)) return Either.left(token.left)
    const key = named(`${field}.key`, Rules.key(token.right.key))
    if (Either.isLeft(key)) return Either.left(key.left)
    const secret = named(`${field}.secret`, Rules.secret(token.right.secret))
    if (Either.isLeft(secret)) return Either.left(secret.left)
    tokens.push({ key: key.right, secret: secret.right })
  }
  return Either.right(tokens)
}

/**
 * @internal Untyped callers may pass anything: the bag is read once, every rule then works on that snapshot.
 * Each field in turn, the first failure returned: plain early returns rather than `Either.gen` and
 * `Either.all`, which every Worker would load for this one function (check:size +15 410 → +15 335 bytes
 * gzipped over the baseline).
 */
export const validate = (input: unknown): Either.Either<Service, ConfigError.ConfigError> => {
  const read = readBag("", input, Rules.optionKeys)
  if (Either.isLeft(read)) return Either.left(read.left)
  const options = read.right
  const same = sameSettingError(options)
  if (same !== undefined) return Either.left(same)
  const appId = named("appId", Rules.appId(options.appId))
  if (Either.isLeft(appId)) return Either.left(appId.left)
  const key = named("key", Rules.key(options.key))
  if (Either.isLeft(key)) return Either.left(key.left)
  const secret = named("secret", Rules.secret(options.secret))
  if (Either.isLeft(secret)) return Either.left(secret.left)
  if (options.host !== undefined && options.cluster !== undefined) {
    return Either.left(invalid("host", `and cluster ${Rules.hostAndCluster}`))
  }
  const place = options.cluster !== undefined
    ? Either.map(named("cluster", Rules.cluster(options.cluster)), (cluster) => ({
      host: `api-${cluster}.pusher.com`,
      port: undefined
    }))
    : options.host !== undefined
    ? named("host", Rules.hostParts(options.host))
    : Either.right({ host: Rules.defaultHost, port: undefined })
  if (Either.isLeft(place)) return Either.left(place.left)
  const host = place.right.host
  const scheme = schemeOf(options)
  if (Either.isLeft(scheme)) return Either.left(scheme.left)
  const defaultPort = scheme.right === "https" ? 443 : 80
  const given = options.port === undefined ? Either.right(undefined) : named("port", Rules.port(options.port))
  if (Either.isLeft(given)) return Either.left(given.left)
  if (given.right !== undefined && place.right.port !== undefined && given.right !== place.right.port) {
    return Either.left(
      invalid("port", `${given.right} and the port in host (${place.right.port}) differ: give the port once`)
    )
  }
  const port = given.right ?? place.right.port ?? defaultPort
  const timeout = named("timeout", Rules.timeout(options.timeout ?? Rules.defaultTimeout))
  if (Either.isLeft(timeout)) return Either.left(timeout.left)
  const maxPayloadBytes = named(
    "maxPayloadBytes",
    Rules.maxPayloadBytes(options.maxPayloadBytes ?? Rules.defaultMaxPayloadBytes)
  )
  if (Either.isLeft(maxPayloadBytes)) return Either.left(maxPayloadBytes.left)
  const maxEventsPerBatch = named(
    "maxEventsPerBatch",
    Rules.positiveInteger(options.maxEventsPerBatch ?? Rules.defaultMaxEventsPerBatch)
  )
  if (Either.isLeft(maxEventsPerBatch)) return Either.left(maxEventsPerBatch.left)
  const maxWatchlistSize = named(
    "maxWatchlistSize",
    Rules.positiveInteger(options.maxWatchlistSize ?? Rules.defaultMaxWatchlistSize)
  )
  if (Either.isLeft(maxWatchlistSize)) return Either.left(maxWatchlistSize.left)
  const encryptionMasterKey = options.encryptionMasterKeyBase64 !== undefined
    ? Either.map(named("encryptionMasterKeyBase64", Rules.masterKey(options.encryptionMasterKeyBase64)), Option.some)
    : options.encryptionMasterKey !== undefined
    ? Either.map(named("encryptionMasterKey", Rules.rawMasterKey(options.encryptionMasterKey)), Option.some)
    : Either.right(Option.none())
  if (Either.isLeft(encryptionMasterKey)) return Either.left(encryptionMasterKey.left)
  const webhookTokens = options.webhookTokens === undefined ? Either.right([]) : readTokens(options.webhookTokens)
  if (Either.isLeft(webhookTokens)) return Either.left(webhookTokens.left)
  const base = `${scheme.right}://${host}`
  return Either.right(
    {
      appId: appId.right,
      key: key.right,
      secret: secret.right,
      scheme: scheme.right,
      host,
      port,
      baseUrl: port === defaultPort ? base : `${base}:${port}`,
      pathPrefix: `/apps/${appId.right}`,
      timeout: timeout.right,
      encryptionMasterKey: encryptionMasterKey.right,
      maxPayloadBytes: maxPayloadBytes.right,
      maxEventsPerBatch: maxEventsPerBatch.right,
      maxWatchlistSize: maxWatchlistSize.right,
      webhookTokens: webhookTokens.right
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
