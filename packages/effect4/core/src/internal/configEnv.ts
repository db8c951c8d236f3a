/**
 * `PusherConfig.fromEnv`: the environment variables as Effect `Config`s, each checked by its field's rule,
 * so a missing or invalid variable is Effect's own `ConfigError` at that variable's path.
 *
 * @internal
 */
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import type { Options } from "../PusherConfig.js"
import * as Rules from "./configRules.js"

/** The variable `name`, read by `config` and checked by `rule`; a broken rule fails at `name`. */
const checked = <A, B>(name: string, config: Config.Config<A>, rule: (value: A) => Rules.Checked<B>) =>
  config.pipe(
    Config.mapOrFail((value) => Either.mapLeft(rule(value), (broken) => ConfigError.InvalidData([], broken))),
    Config.nested(name)
  )

const optional = <A>(config: Config.Config<A>): Config.Config<A | undefined> =>
  Config.map(Config.option(config), Option.getOrUndefined)

// A bad part of the URL is reported under PUSHER_URL, which holds it.
const urlRule = (url: Redacted.Redacted<string>): Rules.Checked<Rules.UrlParts> =>
  Either.flatMap(Rules.url(url), (parts) =>
    Either.all([
      Either.mapLeft(Rules.appId(parts.appId), (rule) => `appId ${rule}`),
      Either.mapLeft(Rules.key(parts.key), (rule) => `key ${rule}`),
      Either.mapLeft(Rules.host(parts.host), (rule) => `host ${rule}`)
    ]).pipe(Either.map(() => parts)))

const fromUrl: Config.Config<Options> = checked("PUSHER_URL", Config.redacted(), urlRule)

const place = Config.all({
  cluster: optional(checked("PUSHER_CLUSTER", Config.string(), Rules.cluster)),
  host: optional(checked("PUSHER_HOST", Config.string(), Rules.host))
}).pipe(
  Config.mapOrFail(({ cluster, host }) =>
    cluster !== undefined && host !== undefined
      ? Either.left(ConfigError.InvalidData(["PUSHER_HOST"], `PUSHER_HOST and PUSHER_CLUSTER ${Rules.hostAndCluster}`))
      : Either.right(cluster !== undefined ? { cluster } : { host })
  )
)

const fromParts: Config.Config<Options> = Config.all({
  appId: checked("PUSHER_APP_ID", Config.string(), Rules.appId),
  key: checked("PUSHER_KEY", Config.string(), Rules.key),
  secret: checked("PUSHER_SECRET", Config.redacted(), Rules.secret),
  place
}).pipe(Config.map(({ place, ...app }) => ({ ...app, ...place })))

// The official library's `timeout` option is a number of milliseconds, so `PUSHER_TIMEOUT=5000` is read as
// that; anything else is an Effect duration string (`5 seconds`, `1500 millis`).
const millisPattern = /^[0-9]+$/

const timeout = checked(
  "PUSHER_TIMEOUT",
  Config.string(),
  (text) => Rules.timeout(millisPattern.test(text) ? Number(text) : text)
)

// Read in both cases: with PUSHER_URL they override the URL's port and scheme.
const overrides = Config.all({
  port: optional(Config.port("PUSHER_PORT")),
  useTLS: optional(Config.boolean("PUSHER_USE_TLS")),
  encryptionMasterKeyBase64: optional(
    checked(
      "PUSHER_ENCRYPTION_MASTER_KEY_BASE64",
      Config.redacted(),
      (key) => Either.map(Rules.masterKey(key), () => key)
    )
  ),
  timeout: optional(timeout),
  maxPayloadBytes: optional(checked("PUSHER_MAX_PAYLOAD_BYTES", Config.integer(), Rules.maxPayloadBytes)),
  maxEventsPerBatch: optional(checked("PUSHER_MAX_EVENTS_PER_BATCH", Config.integer(), Rules.positiveInteger)),
  maxWatchlistSize: optional(checked("PUSHER_MAX_WATCHLIST_SIZE", Config.integer(), Rules.positiveInteger))
})

/** @internal */
export const fromEnv: Config.Config<Options> = Config.all([
  Config.orElseIf(fromUrl, { if: ConfigError.isMissingDataOnly, orElse: () => fromParts }),
  overrides
]).pipe(
  Config.map(([app, { port, useTLS, ...rest }]): Options => ({
    ...app,
    ...rest,
    ...(port === undefined ? {} : { port }),
    ...(useTLS === undefined ? {} : { useTLS })
  }))
)
