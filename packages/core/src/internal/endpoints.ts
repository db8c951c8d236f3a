/**
 * What the endpoints decide before reading a body: the webhook headers that need no body, and each
 * endpoint's body limit.
 */
import * as Limits from "@effect-pusher/protocol/Limits"
import * as Protocol from "@effect-pusher/protocol/Webhook"
import type * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as PusherConfig from "../PusherConfig.js"
import * as PusherCrypto from "../PusherCrypto.js"
import { WebhookError } from "../PusherError.js"
import * as Body from "./body.js"
import * as Signing from "./signing.js"

/**
 * The webhook's `Content-Type`, key and signature header, checked before its body is read: a request
 * that fails here is answered without reading what it uploads.
 *
 * @internal
 */
export const checkWebhookHeaders = (
  request: HttpServerRequest.HttpServerRequest
): Effect.Effect<void, WebhookError, PusherConfig.PusherConfig> =>
  Effect.flatMap(PusherConfig.PusherConfig, (config) =>
    Effect.flatMap(PusherCrypto.current, (crypto) => {
      const verifier = { signers: Signing.webhookSigners(config, crypto), timingSafeEqual: crypto.timingSafeEqual }
      const checked = Protocol.checkHeaders(
        verifier,
        Protocol.readRequest({ headers: request.headers, body: "" }).headers
      )
      return checked.ok ? Effect.void : Effect.fail(new WebhookError(checked.error))
    }))

/**
 * A `maxBodyBytes` option that is not a non-negative number of bytes: the endpoint answers 500 (it is the
 * server's configuration) and logs why.
 *
 * @internal
 */
export class InvalidLimit extends Data.TaggedError("InvalidLimit")<{ readonly endpoint: string }> {
  override get message(): string {
    return `${this.endpoint}: maxBodyBytes must be a non-negative number of bytes`
  }
}

/**
 * An endpoint's `maxBodyBytes`, read once when the endpoint is made (a throwing getter is an invalid
 * option, not a throw).
 *
 * @internal
 */
export type LimitOption = { readonly _tag: "Default" } | { readonly _tag: "Given"; readonly bytes: number } | {
  readonly _tag: "Invalid"
}

/** @internal */
export const readLimit = (options: { readonly maxBodyBytes?: number | undefined } | undefined): LimitOption => {
  let value: unknown
  try {
    value = options?.maxBodyBytes
  } catch {
    return { _tag: "Invalid" }
  }
  if (value === undefined) return { _tag: "Default" }
  const bytes = Body.validLimit(value)
  return bytes === undefined ? { _tag: "Invalid" } : { _tag: "Given", bytes }
}

const resolve = (
  endpoint: string,
  option: LimitOption,
  fallback: Effect.Effect<number, never, PusherConfig.PusherConfig>
): Effect.Effect<number, InvalidLimit, PusherConfig.PusherConfig> => {
  switch (option._tag) {
    case "Given":
      return Effect.succeed(option.bytes)
    case "Invalid":
      return Effect.fail(new InvalidLimit({ endpoint }))
    case "Default":
      return Effect.flatMap(fallback, (bytes) => Body.limitFor(undefined, bytes))
  }
}

/**
 * The auth endpoints' limit: the option, or `Limits.defaultMaxAuthBodyBytes`.
 *
 * @internal
 */
export const authLimit = (endpoint: string, option: LimitOption) =>
  resolve(endpoint, option, Effect.succeed(Limits.defaultMaxAuthBodyBytes))

/**
 * The webhook endpoint's limit: the option, or `Limits.maxWebhookBodyBytes` of the app's `maxPayloadBytes`.
 *
 * @internal
 */
export const webhookLimit = (option: LimitOption) =>
  resolve(
    "PusherEndpoints.webhook",
    option,
    Effect.map(PusherConfig.PusherConfig, (config) => Limits.maxWebhookBodyBytes(config.maxPayloadBytes))
  )
