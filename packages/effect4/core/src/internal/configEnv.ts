/**
 * `PusherConfig.fromEnv`: the environment variables as Effect `Config`s, each checked by its field's rule,
 * so a missing or invalid variable is Effect's own `ConfigError` at that variable's path.
 *
 * @internal
 */
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import type { Options } from "../PusherConfig.js"
import * as Rules from "./configRules.js"

/** The variable `name`, read by `read` and checked by `rule`; a broken rule fails at `name`. */
const checked = <A, B>(name: string, read: (name: string) => Config.Config<A>, rule: (value: A) => Rules.Checked<B>) =>
  Config.mapEffect(
    read(name),
    (value) => Effect.fromResult(Result.mapError(rule(value), (broken) => Rules.configError(name, broken)))
  )

// `Config.option` answers none only when the variable is absent: a present but invalid one still fails.
const optional = <A>(config: Config.Config<A>): Config.Config<A | undefined> =>
  Config.map(Config.option(config), Option.getOrUndefined)

// A bad part of the URL is reported under PUSHER_URL, which holds it.
const urlRule = (url: Redacted.Redacted<string>): Rules.Checked<Rules.UrlParts> =>
  Result.flatMap(Rules.url(url), (parts) =>
    Result.all([
      Result.mapError(Rules.appId(parts.appId), (rule) => `appId ${rule}`),
      Result.mapError(Rules.key(parts.key), (rule) => `key ${rule}`),
      Result.mapError(Rules.host(parts.host), (rule) => `host ${rule}`)
    ]).pipe(Result.map(() => parts)))

const fromUrl: Config.Config<Options> = checked("PUSHER_URL", Config.Redacted, urlRule)

const place = Config.all({
  cluster: optional(checked("PUSHER_CLUSTER", Config.String, Rules.cluster)),
  host: optional(checked("PUSHER_HOST", Config.String, Rules.host))
}).pipe(
  Config.mapEffect(({ cluster, host }) =>
    cluster !== undefined && host !== undefined
      ? Effect.fail(Rules.configError("PUSHER_HOST", `PUSHER_HOST and PUSHER_CLUSTER ${Rules.hostAndCluster}`))
      : Effect.succeed(cluster !== undefined ? { cluster } : { host })
  )
)

const partNames = ["PUSHER_APP_ID", "PUSHER_KEY", "PUSHER_SECRET"] as const

// Each part is read as optional so that one failure names every missing variable (a `Config.all` stops at
// the first), and says that PUSHER_URL would do instead; a present but invalid part still fails at its name.
const fromParts: Config.Config<Options> = Config.all({
  appId: optional(checked("PUSHER_APP_ID", Config.String, Rules.appId)),
  key: optional(checked("PUSHER_KEY", Config.String, Rules.key)),
  secret: optional(checked("PUSHER_SECRET", Config.Redacted, Rules.secret)),
  place
}).pipe(
  Config.mapEffect(({ appId, key, place, secret }) => {
    if (appId !== undefined && key !== undefined && secret !== undefined) {
      return Effect.succeed({ appId, key, secret, ...place })
    }
    const missing = partNames.filter((_, i) => [appId, key, secret][i] === undefined)
    return Effect.fail(
      Rules.configError(
        missing[0] ?? "PUSHER_URL",
        `is missing: set PUSHER_URL, or PUSHER_APP_ID, PUSHER_KEY and PUSHER_SECRET (missing: ${missing.join(", ")})`
      )
    )
  })
)

// The official library's `timeout` option is a number of milliseconds, so `PUSHER_TIMEOUT=5000` is read as
// that; anything else is an Effect duration string (`5 seconds`, `1500 millis`).
const millisPattern = /^[0-9]+$/

const timeout = checked(
  "PUSHER_TIMEOUT",
  Config.String,
  (text) => Rules.timeout(millisPattern.test(text) ? Number(text) : text)
)

// Read in both cases: with PUSHER_URL they override the URL's port and scheme.
const overrides = Config.all({
  port: optional(Config.Port("PUSHER_PORT")),
  useTLS: optional(Config.Boolean("PUSHER_USE_TLS")),
  encryptionMasterKeyBase64: optional(
    checked(
      "PUSHER_ENCRYPTION_MASTER_KEY_BASE64",
      Config.Redacted,
      (key) => Result.map(Rules.masterKey(key), () => key)
    )
  ),
  timeout: optional(timeout),
  maxPayloadBytes: optional(checked("PUSHER_MAX_PAYLOAD_BYTES", Config.Int, Rules.maxPayloadBytes)),
  maxEventsPerBatch: optional(checked("PUSHER_MAX_EVENTS_PER_BATCH", Config.Int, Rules.positiveInteger)),
  maxWatchlistSize: optional(checked("PUSHER_MAX_WATCHLIST_SIZE", Config.Int, Rules.positiveInteger))
})

/** @internal PUSHER_URL when it is set (a set but invalid one fails), else the parts. */
export const fromEnv: Config.Config<Options> = Config.all([
  Config.option(fromUrl).pipe(
    Config.flatMap(Option.match({ onNone: () => fromParts, onSome: (app) => Config.succeed(app) }))
  ),
  overrides
]).pipe(
  Config.map(([app, { port, useTLS, ...rest }]): Options => ({
    ...app,
    ...rest,
    ...(port === undefined ? {} : { port }),
    ...(useTLS === undefined ? {} : { useTLS })
  }))
)
