/**
 * An Effect HTTP server: `PusherEndpoints.router` (channel authorization, user authentication, webhooks)
 * mounted beside the app's own route, which triggers an event. Every failure is typed and becomes a
 * response once, at the edge of its route.
 *
 * Run: `PUSHER_URL=http://KEY:SECRET@HOST:PORT/apps/APP_ID PORT=3000 pnpm effect-http-server`
 */
import { Pusher, PusherEndpoints, type Webhook } from "@effect-pusher/core"
import { NodePusher } from "@effect-pusher/platform-node"
import { HttpRouter, HttpServer, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { NodeHttpServer, NodeRuntime } from "@effect/platform-node"
import { Config, Effect, Layer, Option, Schema } from "effect"
import { createServer } from "node:http"

class User extends Schema.Class<User>("User")({ id: Schema.String, name: Schema.String }) {}

// Your session store. Here a bearer token names a user; a real app reads its session cookie.
const sessions: ReadonlyMap<string, User> = new Map([
  ["token-ada", new User({ id: "ada", name: "Ada Lovelace" })],
  ["token-grace", new User({ id: "grace", name: "Grace Hopper" })]
])

// The signed-in user of the current request.
const currentUser = Effect.flatMap(
  HttpServerRequest.HttpServerRequest,
  (request) => Option.fromNullable(sessions.get(request.headers["authorization"]?.replace(/^Bearer /, "") ?? ""))
)

const pusherRoutes = PusherEndpoints.router({
  authorizeChannel: (request) =>
    currentUser.pipe(
      Effect.map((user) =>
        request.channelName.startsWith("presence-")
          ? PusherEndpoints.allowPresence({ user_id: user.id, user_info: { name: user.name } })
          : PusherEndpoints.allow
      ),
      Effect.orElseSucceed(() => PusherEndpoints.deny("sign in first"))
    ),
  authenticateUser: () =>
    currentUser.pipe(
      Effect.map((user): Pusher.UserData => ({ id: user.id, user_info: { name: user.name } })),
      Effect.orElseSucceed(() => PusherEndpoints.deny("sign in first"))
    ),
  webhook: (payload) => Effect.forEach(payload.events, onEvent, { discard: true }),
  webhookOptions: { maxAge: "5 minutes" }
})

const onEvent = (event: Webhook.WebhookEvent) =>
  Effect.log("webhook", event._tag).pipe(Effect.annotateLogs("channel", "channel" in event ? event.channel : ""))

const answer = (status: number) => (error: { readonly message: string }) =>
  HttpServerResponse.json({ error: error.message }, { status })

const Message = Schema.Struct({ text: Schema.NonEmptyTrimmedString })

// POST /rooms/:room/messages {"text": "..."}: everyone on presence-{room} receives it.
const postMessage = Effect.gen(function*() {
  const user = yield* currentUser
  const { room } = yield* HttpRouter.schemaPathParams(Schema.Struct({ room: Schema.String }))
  const { text } = yield* HttpServerRequest.schemaBodyJson(Message)
  const result = yield* Pusher.trigger(`presence-${room}`, "message", { from: user.id, text })
  return yield* HttpServerResponse.json(result)
}).pipe(
  Effect.catchTags({
    NoSuchElementException: () => HttpServerResponse.json({ error: "sign in first" }, { status: 403 }),
    ParseError: answer(400),
    RequestError: answer(400),
    ValidationError: answer(400), // a room name the Channels rules refuse
    HttpError: answer(502),
    TransportError: answer(502),
    DecodeError: answer(502),
    EncryptionError: answer(500)
  })
)

const app = HttpRouter.empty.pipe(
  HttpRouter.post("/rooms/:room/messages", postMessage),
  HttpRouter.concat(pusherRoutes)
)

const ServerLive = NodeHttpServer.layerConfig(createServer, {
  host: Config.succeed("127.0.0.1"),
  port: Config.integer("PORT").pipe(Config.withDefault(3000)) // 0: any free port
})

HttpServer.serve(app).pipe(
  HttpServer.withLogAddress,
  Layer.provide(ServerLive),
  // PUSHER_URL, or PUSHER_APP_ID / PUSHER_KEY / PUSHER_SECRET / PUSHER_CLUSTER ...
  Layer.provide(NodePusher.layerConfig()),
  Layer.launch,
  NodeRuntime.runMain
)
