/**
 * Pusher's endpoints on a plain `node:http` server: channel authorization (private and presence channels)
 * and user authentication for pusher-js, and the webhook receiver for Pusher, through
 * `NodePusherEndpoints`. Other paths stay with your own handler.
 *
 * Run: `PUSHER_URL=http://KEY:SECRET@HOST:PORT/apps/APP_ID PORT=3000 pnpm node-http`
 */
import { PusherEndpoints, type Webhook } from "@effect-pusher/core"
import { NodePusher, NodePusherEndpoints } from "@effect-pusher/platform-node"
import { HttpRouter, HttpServerRequest } from "@effect/platform"
import { Effect } from "effect"
import * as Http from "node:http"

// Your session store. Here a bearer token names a user; a real app reads its session cookie.
// (A Map, not an object: a token such as "constructor" must not find anything.)
const sessions: ReadonlyMap<string, { readonly id: string; readonly name: string }> = new Map([
  ["token-ada", { id: "ada", name: "Ada Lovelace" }],
  ["token-grace", { id: "grace", name: "Grace Hopper" }]
])

// The signed-in user of the current request, if any. The endpoints run inside the HTTP request, so the
// authorizers can read its headers.
const currentUser = Effect.map(HttpServerRequest.HttpServerRequest, (request) => {
  const token = request.headers["authorization"]?.replace(/^Bearer /, "")
  return token === undefined ? undefined : sessions.get(token)
})

const onEvent = (event: Webhook.WebhookEvent) =>
  event._tag === "MemberAdded" || event._tag === "MemberRemoved"
    ? Effect.log(`webhook: ${event._tag} ${event.userId} on ${event.channel}`)
    : Effect.log(`webhook: ${event._tag}`)

const router = PusherEndpoints.router({
  // POST /pusher/auth: pusher-js `channelAuthorization`
  authorizeChannel: (request) =>
    Effect.map(currentUser, (user) =>
      user === undefined
        ? PusherEndpoints.deny("sign in first")
        : request.channelName.startsWith("presence-")
        ? PusherEndpoints.allowPresence({ user_id: user.id, user_info: { name: user.name } })
        : PusherEndpoints.allow),
  // POST /pusher/user-auth: pusher-js `signin()`
  authenticateUser: () =>
    Effect.map(
      currentUser,
      (user) =>
        user === undefined ? PusherEndpoints.deny("sign in first") : { id: user.id, user_info: { name: user.name } }
    ),
  // POST /pusher/webhook: answered 200 once every event is handled, 401 when the signature is wrong
  webhook: (payload) => Effect.forEach(payload.events, onEvent, { discard: true })
})

// The config comes from PUSHER_URL (or PUSHER_APP_ID, PUSHER_KEY, PUSHER_SECRET, PUSHER_CLUSTER, ...).
const pusher = NodePusherEndpoints.toHandler(Effect.flatten(HttpRouter.toHttpApp(router)), NodePusher.layerConfig())

const server = Http.createServer((request, response) => {
  // The Pusher handler reads the raw body itself: give it the request before anything parses it.
  if (request.url?.startsWith("/pusher/")) return pusher.handler(request, response)
  response.writeHead(404, { "content-type": "text/plain" }).end("not found")
})

server.listen(Number(process.env["PORT"] ?? 3000), "127.0.0.1", () => {
  const address = server.address()
  console.log(`listening on http://127.0.0.1:${typeof address === "object" && address ? address.port : ""}`)
})

process.once("SIGTERM", () => {
  server.closeAllConnections()
  server.close(() => void pusher.dispose())
})
