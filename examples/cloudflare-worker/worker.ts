/**
 * A Cloudflare Worker: channel authorization for pusher-js (private and presence channels) and a route that
 * triggers an event, with `FetchHttpClient` and the core's portable crypto (no `node:` import, no
 * `nodejs_compat`). The user is the one Cloudflare Access signed in (`Cf-Access-Authenticated-User-Email`):
 * put the Worker behind Access, or replace `currentUser` with your own session check.
 *
 * Deploy: `wrangler secret put PUSHER_SECRET`, the other variables as `vars`; see README.md.
 */
import { Pusher, PusherConfig, PusherEndpoints } from "@effect-pusher/core"
import { FetchHttpClient, HttpApp, HttpRouter, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { ConfigProvider, Effect, Layer, Option, Schema } from "effect"

/** The Worker's bindings: the same variables as `PusherConfig.fromEnv` reads in Node. */
export interface Env {
  /** `https://KEY:SECRET@api-CLUSTER.pusher.com/apps/APP_ID`, or the variables below. */
  readonly PUSHER_URL?: string
  readonly PUSHER_APP_ID?: string
  readonly PUSHER_KEY?: string
  readonly PUSHER_SECRET?: string
  readonly PUSHER_CLUSTER?: string
}

const currentUser = Effect.flatMap(
  HttpServerRequest.HttpServerRequest,
  (request) => Option.fromNullable(request.headers["cf-access-authenticated-user-email"])
)

const pusherRoutes = PusherEndpoints.router({
  authorizeChannel: (request) =>
    currentUser.pipe(
      Effect.map((user) =>
        request.channelName.startsWith("presence-")
          ? PusherEndpoints.allowPresence({ user_id: user })
          : PusherEndpoints.allow
      ),
      Effect.orElseSucceed(() => PusherEndpoints.deny("sign in first"))
    )
})

const Message = Schema.Struct({ text: Schema.NonEmptyTrimmedString })

// What each failure of the route answers.
const statusOf = (error: { readonly _tag: string }): number => {
  switch (error._tag) {
    case "NoSuchElementException": // no signed-in user
      return 403
    case "ParseError": // a body that is not { text }
    case "RequestError":
    case "ValidationError": // a room name the Channels rules refuse
      return 400
    case "EncryptionError":
      return 500
    default: // Channels failed or could not be reached
      return 502
  }
}

// POST /rooms/:room/messages {"text": "..."}: everyone on presence-{room} receives it.
const postMessage = Effect.gen(function*() {
  const user = yield* currentUser
  const { room } = yield* HttpRouter.schemaPathParams(Schema.Struct({ room: Schema.String }))
  const { text } = yield* HttpServerRequest.schemaBodyJson(Message)
  return HttpServerResponse.unsafeJson(yield* Pusher.trigger(`presence-${room}`, "message", { from: user, text }))
}).pipe(
  Effect.catchAll((error) =>
    Effect.succeed(HttpServerResponse.unsafeJson({ error: error.message }, { status: statusOf(error) }))
  )
)

const app = HttpRouter.empty.pipe(
  HttpRouter.post("/rooms/:room/messages", postMessage),
  HttpRouter.concat(pusherRoutes)
)

// The config read from the bindings, and fetch as the HTTP client.
const services = (env: Env) =>
  Layer.merge(
    PusherConfig.layerConfig().pipe(Layer.provide(Layer.setConfigProvider(ConfigProvider.fromJson(env)))),
    FetchHttpClient.layer
  )

// One handler (and one built layer) per set of bindings, reused across requests of the isolate.
const handlers = new WeakMap<Env, (request: Request) => Promise<Response>>()

const handlerFor = (env: Env) => {
  const existing = handlers.get(env)
  if (existing !== undefined) return existing
  const { handler } = HttpApp.toWebHandlerLayer(app, services(env))
  handlers.set(env, handler)
  return handler
}

export default {
  fetch: (request: Request, env: Env): Promise<Response> => handlerFor(env)(request)
}
