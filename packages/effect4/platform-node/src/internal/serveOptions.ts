/**
 * The serving options of `NodePusherTest` (port, address, webhook URL), read once and checked by the
 * protocol's `EmulatorServing` rules: a bad one is a `ConfigError` naming it and its rule.
 *
 * @internal
 */
import * as EmulatorServing from "@effect-pusher/protocol/EmulatorServing"
import type * as Failure from "@effect-pusher/protocol/Failure"
import type * as Config from "effect/Config"
import * as Result from "effect/Result"
import * as Net from "node:net"
import { invalid } from "./clientOptions.js"

/** @internal */
export interface Read {
  readonly port: number
  readonly hostname: string
  readonly webhookUrl: URL | undefined
}

/** @internal The answer to a bag of options that throws while being read. */
export const invalidOptions: Config.ConfigError = invalid("", "options could not be read (they threw while being read)")

// A protocol answer as Effect's `Result`, a failure as the `ConfigError` naming the option.
const named = <A>(parsed: Failure.Result<A>): Result.Result<A, Config.ConfigError> =>
  parsed.ok ? Result.succeed(parsed.value) : Result.fail(invalid(parsed.error.field, parsed.error.rule))

/**
 * Reads `port`, `hostname` and `webhookUrl` once each (the bag may also hold `PusherTest` options, so other
 * keys are not checked here).
 *
 * @internal
 */
export const read = (
  options: { readonly port?: unknown; readonly hostname?: unknown; readonly webhookUrl?: unknown } | undefined
): Result.Result<Read, Config.ConfigError> => {
  let port: unknown, hostname: unknown, webhookUrl: unknown
  try {
    port = options?.port ?? 0
    hostname = options?.hostname ?? EmulatorServing.defaultHostname
    webhookUrl = options?.webhookUrl
  } catch {
    return Result.fail(invalidOptions)
  }
  return Result.all({
    port: named(EmulatorServing.parsePort("port", port)),
    hostname: named(EmulatorServing.parseHostname("hostname", hostname, Net.isIP)),
    webhookUrl: webhookUrl === undefined
      ? Result.succeed(undefined)
      : named(EmulatorServing.parseWebhookUrl("webhookUrl", webhookUrl))
  })
}
