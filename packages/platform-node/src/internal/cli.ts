/**
 * The `effect-pusher-emulator` command: a local Channels server (REST API with CORS, Channels WebSocket,
 * webhooks to a URL) for developing without a Pusher account. Arguments and environment are read here,
 * checked with the same rules as `NodePusherTest`'s options, and a bad one is a one-line message naming the
 * flag and its rule (exit code 1, no stack). `@effect/cli` is not a dependency of this package, and seven
 * flags do not need it.
 *
 * @internal
 */
import * as PusherConfig from "@effect-pusher/core/PusherConfig"
import * as PusherTest from "@effect-pusher/core/PusherTest"
import type * as HttpServerError from "@effect/platform/HttpServerError"
import * as Cause from "effect/Cause"
import * as ConfigError from "effect/ConfigError"
import * as Console from "effect/Console"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as NodePusherTest from "../NodePusherTest.js"
import * as Serving from "./serveOptions.js"

/** @internal */
export const name = "effect-pusher-emulator"

/** @internal */
export const defaultPort = 4000

/** A flag or variable the command cannot use; `message` names it and says the rule (never a secret's value). */
export class UsageError extends Data.TaggedError("UsageError")<{ readonly message: string }> {}

/** What the command serves, once read and checked (the app's id, key and secret are checked by `PusherTest`). */
export interface Settings {
  readonly port: number
  readonly hostname: string
  readonly appId: string
  readonly key: string
  readonly secret: Redacted.Redacted<string>
  readonly webhookUrl: string | undefined
}

interface Flag {
  readonly name: string
  readonly env: string | undefined
  readonly value: string
  readonly help: string
}

const flags = {
  port: {
    name: "--port",
    env: "PORT",
    value: "<port>",
    help: `port to listen on, 0 for any free one (default ${defaultPort})`
  },
  hostname: {
    name: "--host",
    env: undefined,
    value: "<address>",
    help:
      `address to listen on: an IP address or localhost (default ${Serving.defaultHostname}; 0.0.0.0 opens it to the network)`
  },
  appId: {
    name: "--app-id",
    env: "PUSHER_APP_ID",
    value: "<id>",
    help: `the app id (default ${PusherTest.defaultApp.appId})`
  },
  key: { name: "--key", env: "PUSHER_KEY", value: "<key>", help: `the app key (default ${PusherTest.defaultApp.key})` },
  secret: {
    name: "--secret",
    env: "PUSHER_SECRET",
    value: "<secret>",
    help: `the app secret (default ${PusherTest.defaultApp.secret})`
  },
  webhookUrl: {
    name: "--webhook-url",
    env: "PUSHER_WEBHOOK_URL",
    value: "<url>",
    help: "POST every webhook there, signed with the app secret; retried for up to 5 minutes (default: none)"
  }
} satisfies Record<string, Flag>

type Key = keyof typeof flags

const keys = Object.keys(flags) as ReadonlyArray<Key>

/** @internal */
export const usage: string = [
  `Usage: ${name} [options]`,
  "",
  "A local Pusher Channels server: the REST API (with CORS, for any origin), the Channels WebSocket",
  "(protocol 7, pusher-js 8) and signed webhooks. Prints PUSHER_URL for servers and the pusher-js options",
  "for browsers. Ctrl-C stops it.",
  "",
  "Options (a flag wins over its environment variable):",
  ...keys.map((key) => {
    const flag: Flag = flags[key]
    const env = flag.env === undefined ? "" : ` [env ${flag.env}]`
    return `  ${`${flag.name} ${flag.value}`.padEnd(26)}${flag.help}${env}`
  }),
  `  ${"-h, --help".padEnd(26)}this text`
].join("\n")

const byName = new Map(keys.map((key) => [flags[key].name, key] as const))

/** `--flag value` and `--flag=value`; each flag at most once; no positional arguments. */
const readArgs = (
  argv: ReadonlyArray<string>
): Either.Either<"help" | Partial<Record<Key, string>>, UsageError> => {
  const given: Partial<Record<Key, string>> = {}
  const fail = (message: string) => Either.left(new UsageError({ message }))
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    if (arg === "-h" || arg === "--help") return Either.right("help")
    const eq = arg.indexOf("=")
    const flag = arg.startsWith("--") && eq > 0 ? arg.slice(0, eq) : arg
    const key = byName.get(flag)
    if (key === undefined) {
      return fail(arg.startsWith("-") ? `unknown option ${flag}` : `unexpected argument ${JSON.stringify(arg)}`)
    }
    if (given[key] !== undefined) return fail(`${flag} is given twice`)
    let value: string | undefined
    if (flag !== arg) value = arg.slice(eq + 1)
    else {
      value = argv[i + 1]
      if (value === undefined || value.startsWith("--")) {
        return fail(`${flag} needs a value: ${flag} ${flags[key].value}`)
      }
      i++
    }
    given[key] = value
  }
  return Either.right(given)
}

/** The app's id, key or secret, checked by `PusherConfig`'s rule for it; the rule without the option's name. */
const appRule = (field: "appId" | "key" | "secret") => (text: string): Either.Either<string, string> =>
  PusherConfig.validate({ ...PusherTest.defaultApp, [field]: text }).pipe(
    Either.map(() => text),
    Either.mapLeft((error) => {
      const message = error._op === "InvalidData" ? error.message : String(error)
      return message.startsWith(`${field} `) ? message.slice(field.length + 1) : message
    })
  )

const checkPort = (text: string): Either.Either<number, string> =>
  /^[0-9]{1,5}$/.test(text) ? Serving.checkPort(Number(text)) : Either.left(Serving.portRule)

/**
 * Reads the arguments (without `node` and the script) and the environment: the settings, `"help"`, or the
 * first problem.
 *
 * @internal
 */
export const parse = (
  argv: ReadonlyArray<string>,
  env: Readonly<Record<string, string | undefined>>
): Either.Either<Settings | "help", UsageError> =>
  Either.flatMap(readArgs(argv), (given): Either.Either<Settings | "help", UsageError> => {
    if (given === "help") return Either.right("help")
    // Where a value came from, so that a message names what the user wrote.
    const source = (key: Key): { readonly value: string | undefined; readonly from: string } => {
      const flag: Flag = flags[key]
      const fromFlag = given[key]
      if (fromFlag !== undefined) return { value: fromFlag, from: flag.name }
      const fromEnv = flag.env === undefined ? undefined : env[flag.env]
      return fromEnv !== undefined && fromEnv !== ""
        ? { value: fromEnv, from: flag.env ?? flag.name }
        : { value: undefined, from: flag.name }
    }
    const checked = <A>(key: Key, fallback: A, check: (text: string) => Either.Either<A, string>, shown: boolean) => {
      const { from, value } = source(key)
      if (value === undefined) return Either.right(fallback)
      return Either.mapLeft(
        check(value),
        (rule) => new UsageError({ message: `${from} ${rule}${shown ? `, got ${JSON.stringify(value)}` : ""}` })
      )
    }
    return Either.all({
      port: checked("port", defaultPort, checkPort, true),
      hostname: checked("hostname", Serving.defaultHostname, Serving.checkHostname, true),
      appId: checked("appId", PusherTest.defaultApp.appId, appRule("appId"), true),
      key: checked("key", PusherTest.defaultApp.key, appRule("key"), true),
      secret: Either.map(checked("secret", PusherTest.defaultApp.secret, appRule("secret"), false), Redacted.make),
      // A URL may carry credentials or a token: not repeated in the message.
      webhookUrl: checked<string | undefined>(
        "webhookUrl",
        undefined,
        (url) => Either.map(Serving.checkWebhookUrl(url), () => url),
        false
      )
    })
  })

/** `PUSHER_URL` as `PusherConfig.fromEnv` and `Pusher.forURL` (pusher@5.3.4) read it. */
export const pusherUrl = (served: NodePusherTest.Served): string => {
  const { appId, host, key, port, secret } = served.pusherOptions
  return `http://${encodeURIComponent(key)}:${encodeURIComponent(secret)}@${host}:${port}/apps/${appId}`
}

/** The pusher-js options that reach the served emulator (`cluster` is required by pusher-js, unused here). */
export const pusherJsOptions = (served: NodePusherTest.Served) => ({
  cluster: "mt1",
  wsHost: Serving.urlHost(served.hostname),
  wsPort: served.port,
  wssPort: served.port,
  forceTLS: false,
  enabledTransports: ["ws"]
})

/** What the command prints once it listens. */
export const banner = (served: NodePusherTest.Served, settings: Settings): string =>
  [
    `Channels emulator on ${served.url} (app ${settings.appId}, key ${settings.key})`,
    `Debug console: ${served.url}/`,
    "",
    "Servers (pusher, effect-pusher PusherConfig.fromEnv):",
    `  PUSHER_URL=${pusherUrl(served)}`,
    "",
    "Browsers (pusher-js):",
    `  new Pusher(${JSON.stringify(settings.key)}, ${JSON.stringify(pusherJsOptions(served))})`,
    "",
    `REST API: CORS for any origin. Webhooks: ${
      settings.webhookUrl === undefined
        ? "recorded only (--webhook-url <url> to receive them)"
        : `POST to ${
          Serving.checkWebhookUrl(settings.webhookUrl).pipe(
            Either.match({ onLeft: () => "", onRight: (url) => `${url.origin}${url.pathname}` })
          )
        }, retried for up to 5 minutes`
    }.`,
    "Ctrl-C stops it."
  ].join("\n")

// A `ConfigError` from `PusherTest.make` names the option (`appId`); the user wrote a flag or a variable.
const optionFlags: Readonly<Record<string, string>> = { appId: "--app-id", key: "--key", secret: "--secret" }

const configMessage = (error: ConfigError.ConfigError): string => {
  if (error._op === "InvalidData") {
    const [option] = error.path
    const flag = option === undefined ? undefined : optionFlags[option]
    return flag === undefined || option === undefined
      ? error.message
      : error.message.startsWith(option)
      ? `${flag}${error.message.slice(option.length)}`
      : `${flag}: ${error.message}`
  }
  return String(error)
}

const serveMessage = (error: HttpServerError.ServeError, settings: Settings): string => {
  const cause = error.cause
  const code = typeof cause === "object" && cause !== null && "code" in cause && typeof cause.code === "string"
    ? cause.code
    : undefined
  const where = `${Serving.urlHost(settings.hostname)}:${settings.port}`
  return code === "EADDRINUSE"
    ? `cannot listen on ${where}: the port is in use (--port <port> to choose another, 0 for any free one)`
    : `cannot listen on ${where}${code === undefined ? "" : ` (${code})`}`
}

/** How many of each recording (events, webhooks, requests) the command keeps: what its console shows. */
export const maxRecorded = 10_000

/** Serves until interrupted, printing the banner, then each event and webhook as it happens. */
const serve = (settings: Settings): Effect.Effect<void, UsageError> =>
  Effect.scoped(Effect.gen(function*() {
    const emulator = yield* PusherTest.make({
      appId: settings.appId,
      key: settings.key,
      secret: Redacted.value(settings.secret),
      // A server left running for hours: its recordings keep the newest entries, not all of them.
      maxRecorded
    }).pipe(Effect.mapError((error) => new UsageError({ message: configMessage(error) })))
    const served = yield* NodePusherTest.serveService(emulator, {
      port: settings.port,
      hostname: settings.hostname,
      webhookUrl: settings.webhookUrl
    }).pipe(
      Effect.mapError((error) =>
        new UsageError({
          // The serving options were checked by `parse` with the same rules: a refusal here is the one to show.
          message: ConfigError.isConfigError(error) ? configMessage(error) : serveMessage(error, settings)
        })
      )
    )
    yield* Console.log(banner(served, settings))
    yield* emulator.eventStream.pipe(
      Stream.runForEach((event) => Console.log(`event   ${event.channel} ${event.name} ${event.rawData}`)),
      Effect.forkScoped
    )
    yield* Effect.never
  }))

/**
 * The whole command: parses, serves until interrupted (Ctrl-C, SIGTERM), or prints the usage. A usage
 * error is printed on one line to stderr and fails the effect, which `NodeRuntime.runMain` turns into exit
 * code 1; a defect is printed with its cause.
 *
 * @internal
 */
export const main = (
  argv: ReadonlyArray<string>,
  env: Readonly<Record<string, string | undefined>>
): Effect.Effect<void, UsageError> =>
  Effect.suspend(() => parse(argv, env)).pipe(
    Effect.flatMap((settings) => settings === "help" ? Console.log(usage) : serve(settings)),
    Effect.tapError((error) => Console.error(`${name}: ${error.message} (--help lists the options)`)),
    Effect.tapDefect((defect) => Console.error(`${name}: unexpected failure\n${Cause.pretty(Cause.die(defect))}`))
  )
