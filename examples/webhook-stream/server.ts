/**
 * A webhook consumer: `PusherEndpoints.webhookStream` verifies each webhook Pusher posts and feeds its
 * events into a `Stream`, which `track` consumes (occupied channels, presence members, counts per kind).
 * The endpoint answers 200 once the stream has taken the events, 401 for a signature that is not Pusher's.
 * `GET /state` shows what the webhooks told so far.
 *
 * Run: `PUSHER_URL=http://KEY:SECRET@HOST:PORT/apps/APP_ID PORT=3000 pnpm webhook-stream`
 */
import { PusherEndpoints } from "@effect-pusher/core"
import { NodePusher } from "@effect-pusher/platform-node"
import { HttpRouter, HttpServer, HttpServerResponse } from "@effect/platform"
import { NodeHttpServer, NodeRuntime } from "@effect/platform-node"
import { Config, Effect, Layer, Ref } from "effect"
import { createServer } from "node:http"
import { empty, toJson, track } from "./track.js"

const Consumer = Effect.gen(function*() {
  const { endpoint, events } = yield* PusherEndpoints.webhookStream({ maxAge: "5 minutes" })
  const state = yield* Ref.make(empty)
  yield* Effect.forkScoped(track(events, state))
  const app = HttpRouter.empty.pipe(
    HttpRouter.post("/pusher/webhook", endpoint),
    HttpRouter.get("/state", Effect.flatMap(Ref.get(state), (current) => HttpServerResponse.json(toJson(current))))
  )
  return HttpServer.serve(app).pipe(HttpServer.withLogAddress)
})

const ServerLive = NodeHttpServer.layerConfig(createServer, {
  host: Config.succeed("127.0.0.1"),
  port: Config.integer("PORT").pipe(Config.withDefault(3000)) // 0: any free port
})

Layer.unwrapScoped(Consumer).pipe(
  Layer.provide(ServerLive),
  // Verifying webhooks needs only the config: PUSHER_URL, or PUSHER_APP_ID / PUSHER_KEY / PUSHER_SECRET ...
  Layer.provide(NodePusher.layerConfig()),
  Layer.launch,
  NodeRuntime.runMain
)
