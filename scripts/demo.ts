/**
 * The quick-start: runs without a Pusher account. It authorizes channels and signs a trigger against a
 * recording client, printing what would go on the wire.
 */
import { Pusher, PusherConfig } from "@effect-pusher/core"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

const printingClient = HttpClient.make((request, url) =>
  Effect.gen(function*() {
    const body = request.body._tag === "Uint8Array" ? new TextDecoder().decode(request.body.body) : ""
    yield* Console.log(`  -> ${request.method} ${url.pathname}${url.search}`)
    if (body !== "") yield* Console.log(`     ${body}`)
    return HttpClientResponse.fromWeb(request, new Response("{}", { status: 200 }))
  })
)

const program = Effect.gen(function*() {
  yield* Console.log("trigger:")
  yield* Pusher.trigger(["news", "sport"], "update", { headline: "effect-pusher works" })
  yield* Console.log("authorize private-orders:")
  yield* Console.log(`  ${JSON.stringify(yield* Pusher.authorizeChannel("123.456", "private-orders"))}`)
  yield* Console.log("authorize presence-lobby:")
  const presence = yield* Pusher.authorizeChannel("123.456", "presence-lobby", {
    user_id: "ada",
    user_info: { name: "Ada" }
  })
  yield* Console.log(`  ${JSON.stringify(presence)}`)
  yield* Console.log("a bad channel name is a typed error:")
  const error = yield* Effect.flip(Pusher.trigger("bad channel", "update", {}))
  yield* Console.log(`  ${error._tag}: ${error.message}`)
})

program.pipe(
  Effect.provide(Layer.merge(
    PusherConfig.layer({ appId: 1, key: "demo-key", secret: "demo-secret", host: "127.0.0.1", useTLS: false }),
    Layer.succeed(HttpClient.HttpClient, printingClient)
  )),
  Effect.runPromise
).catch((error) => {
  console.error(error)
  process.exit(1)
})
