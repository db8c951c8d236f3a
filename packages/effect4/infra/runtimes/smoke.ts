// The Effect 4 line's smoke program of `pnpm test:runtimes` (`--effect4`): the checks of the Effect 3 line's
// (scripts/runtimes/smoke.ts), with the same parameters and names, on the Effect 4 core and `effect/http`'s
// `FetchHttpClient`, on Node 20, Bun, Deno and workerd. It lives in packages/effect4 so that `effect` resolves to
// that workspace's Effect 4 (from scripts/ Node and esbuild would find the root's Effect 3).
import * as Pusher from "@effect-pusher/core/Pusher"
import * as PusherConfig from "@effect-pusher/core/PusherConfig"
import * as PusherEndpoints from "@effect-pusher/core/PusherEndpoints"
import * as Webhook from "@effect-pusher/core/Webhook"
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as HttpRouter from "effect/http/HttpRouter"
import * as Layer from "effect/Layer"
import * as Result from "effect/Result"
import { type Check, type Params, same } from "../../../../scripts/runtimes/params.js"

const check = <A, E>(
  name: string,
  effect: Effect.Effect<A, E>,
  judge: (result: Result.Result<A, E>) => string
): Effect.Effect<Check> =>
  effect.pipe(
    Effect.result,
    Effect.map(judge),
    Effect.timeoutOrElse({ duration: "20 seconds", orElse: () => Effect.succeed("the check itself took over 20 s") }),
    Effect.catchDefect((defect) => Effect.succeed(`defect: ${String(defect)}`)),
    Effect.map((problem) => ({ name, ok: problem === "", detail: problem }))
  )

const expectValue = (expected: unknown) => <E>(result: Result.Result<unknown, E>): string =>
  Result.isSuccess(result)
    ? same(result.success, expected)
      ? ""
      : `got ${JSON.stringify(result.success)}, expected ${JSON.stringify(expected)}`
    : `failed: ${String(result.failure)}`

const expectError = (tag: string, reason: string) => <A>(result: Result.Result<A, unknown>): string => {
  if (Result.isSuccess(result)) return "succeeded, expected a failure"
  const error = result.failure
  const actual = typeof error === "object" && error !== null
    ? `${String(Reflect.get(error, "_tag"))}/${String(Reflect.get(error, "reason"))}`
    : String(error)
  return actual === `${tag}/${reason}` ? "" : `failed with ${actual}, expected ${tag}/${reason}`
}

/** Runs every check; never fails. */
export const run = async (params: Params): Promise<ReadonlyArray<Check>> => {
  const { app, expected } = params
  const options: PusherConfig.Options = { ...app, useTLS: false, encryptionMasterKeyBase64: params.masterKeyBase64 }
  const live = Layer.merge(PusherConfig.layer(options), FetchHttpClient.layer)
  const provide = <A, E>(effect: Effect.Effect<A, E, Pusher.Requirements>, layer = live) =>
    Effect.provide(effect, Layer.orDie(layer))
  const headers = (signature: string) => ({
    "content-type": "application/json",
    "x-pusher-key": params.webhook.key,
    "x-pusher-signature": signature
  })
  // On Effect 4 the endpoints are a Layer of HttpRouter routes; served here as a web handler, in memory.
  const endpoints = HttpRouter.toWebHandler(
    Layer.mergeAll(
      PusherEndpoints.router({
        authorizeChannel: () => Effect.succeed(PusherEndpoints.allow),
        webhook: () => Effect.void
      }),
      Layer.orDie(PusherConfig.layer(options))
    ),
    { disableLogger: true }
  )
  const post = (path: string, body: string, init: Record<string, string>) =>
    Effect.promise(() =>
      endpoints.handler(new Request(`http://smoke.local${path}`, { method: "POST", headers: init, body }))
    )

  const checks: ReadonlyArray<Effect.Effect<Check>> = [
    check(
      "authorizeChannel (private) equals pusher@5.3.4",
      provide(Pusher.authorizeChannel(params.socketId, expected.privateChannel)),
      expectValue(expected.privateAuth)
    ),
    check(
      "authorizeChannel (presence) equals pusher@5.3.4",
      provide(Pusher.authorizeChannel(params.socketId, expected.presenceChannel, params.presenceData)),
      expectValue(expected.presenceAuth)
    ),
    check(
      "authorizeChannel (encrypted, shared_secret) equals pusher@5.3.4",
      provide(Pusher.authorizeChannel(params.socketId, expected.encryptedChannel)),
      expectValue(expected.encryptedAuth)
    ),
    check(
      "authenticateUser equals pusher@5.3.4",
      provide(Pusher.authenticateUser(params.socketId, params.user)),
      expectValue(expected.userAuth)
    ),
    check(
      "webhook verifies, and its encrypted client event opens",
      provide(Webhook.verify({ headers: headers(params.webhook.signature), body: params.webhook.body })),
      (result) => {
        if (Result.isFailure(result)) return `failed: ${String(result.failure)}`
        const events = result.success.events
        const client = events.find((event) => event._tag === "ClientEvent")
        if (events.length !== 2 || events[0]?._tag !== "ChannelOccupied") return `events: ${JSON.stringify(events)}`
        return client !== undefined && same(client.data, params.webhook.encryptedPlaintext)
          ? ""
          : `client event: ${JSON.stringify(client)}`
      }
    ),
    check(
      "a tampered webhook is rejected",
      provide(Webhook.verify({ headers: headers(params.webhook.signature), body: params.webhook.tamperedBody })),
      expectError("WebhookError", "SignatureMismatch")
    ),
    check(
      "trigger reaches the emulator",
      provide(Pusher.trigger(params.trigger.channel, params.trigger.event, params.trigger.data)),
      expectValue({})
    ),
    check(
      "encrypted trigger reaches the emulator",
      provide(Pusher.trigger(params.trigger.encryptedChannel, params.trigger.event, params.trigger.data)),
      expectValue({})
    ),
    check(
      "a wrong secret fails with HttpError Unauthorized",
      provide(
        Pusher.trigger(params.trigger.channel, "refused", {}),
        Layer.merge(PusherConfig.layer({ ...options, secret: "not-the-secret" }), FetchHttpClient.layer)
      ),
      expectError("HttpError", "Unauthorized")
    ),
    check(
      "a server that never answers fails with TransportError Timeout",
      provide(
        Pusher.trigger(params.trigger.channel, "silent", {}),
        Layer.merge(
          PusherConfig.layer({ ...options, port: params.silentPort, timeout: "300 millis" }),
          FetchHttpClient.layer
        )
      ),
      expectError("TransportError", "Timeout")
    ),
    check(
      "PusherEndpoints auth through HttpRouter.toWebHandler equals pusher@5.3.4",
      Effect.flatMap(
        post(
          "/pusher/auth",
          `socket_id=${encodeURIComponent(params.socketId)}&channel_name=${
            encodeURIComponent(expected.privateChannel)
          }`,
          { "content-type": "application/x-www-form-urlencoded" }
        ),
        (response) => Effect.promise(async () => ({ status: response.status, body: await response.text() }))
      ),
      (result) =>
        Result.isSuccess(result) && result.success.status === 200 &&
          same(JSON.parse(result.success.body), expected.privateAuth)
          ? ""
          : `got ${JSON.stringify(result)}`
    ),
    check(
      "PusherEndpoints webhook through HttpRouter.toWebHandler: 200, tampered 401",
      Effect.all([
        post("/pusher/webhook", params.webhook.body, headers(params.webhook.signature)),
        post("/pusher/webhook", params.webhook.tamperedBody, headers(params.webhook.signature))
      ]).pipe(Effect.map(([good, bad]) => [good.status, bad.status])),
      expectValue([200, 401])
    )
  ]
  try {
    return await Effect.runPromise(Effect.all(checks))
  } finally {
    await endpoints.dispose()
  }
}
