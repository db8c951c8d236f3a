/**
 * An Express app with the three things a Pusher app serves: channel authorization (private and presence
 * channels) and user authentication for pusher-js, a webhook receiver for Pusher, and a route that
 * triggers an event. Express parses the bodies; effect-pusher runs in one `ManagedRuntime` built from the
 * environment.
 *
 * Run: `PUSHER_URL=http://KEY:SECRET@HOST:PORT/apps/APP_ID PORT=3000 pnpm express`
 */
import type { PusherError } from "@effect-pusher/core"
import { AuthRequest, Pusher, PusherEndpoints, Webhook } from "@effect-pusher/core"
import { NodePusher } from "@effect-pusher/platform-node"
import { Effect, ManagedRuntime } from "effect"
import express from "express"

// PUSHER_URL, or PUSHER_APP_ID / PUSHER_KEY / PUSHER_SECRET / PUSHER_CLUSTER ...; built on first use.
const runtime = ManagedRuntime.make(NodePusher.layerConfig())

interface User {
  readonly id: string
  readonly name: string
}

// Your session store. Here a bearer token names a user; a real app uses its session middleware.
// (A Map, not an object: a token such as "constructor" must not find anything.)
const sessions: ReadonlyMap<string, User> = new Map([
  ["token-ada", { id: "ada", name: "Ada Lovelace" }],
  ["token-grace", { id: "grace", name: "Grace Hopper" }]
])

// Only signed-in users may subscribe to private channels, sign in to Pusher or trigger: the user, or
// undefined once the request is answered 403.
const signedIn = (req: express.Request, res: express.Response): User | undefined => {
  const user = sessions.get(req.get("authorization")?.replace(/^Bearer /, "") ?? "")
  if (user === undefined) res.status(403).json({ error: "sign in first" })
  return user
}

// Runs an operation and answers with its value as JSON, or with a status that fits its typed error.
const respond = <A>(
  res: express.Response,
  operation: Effect.Effect<A, PusherError.AnyPusherError, NodePusher.Services>
) =>
  runtime.runPromise(Effect.match(operation, {
    onSuccess: (value) => res.json(value),
    onFailure: (error) => res.status(statusOf(error)).json({ error: error.message })
  })).catch(() => res.status(500).end()) // the layer could not be built: see the log

const statusOf = (error: PusherError.AnyPusherError): number => {
  switch (error._tag) {
    case "WebhookError":
      return PusherEndpoints.webhookErrorStatus(error) // 401 for a signature that is not Pusher's
    case "ValidationError":
      return 403 // a malformed request, a public channel, data that does not fit the channel
    case "EncryptionError":
      return 500 // an encrypted channel without a master key: the server's configuration
    default:
      return 502 // the Channels API failed or could not be reached
  }
}

const app = express()

// The webhook signature is over the exact bytes: this route takes the raw body, ahead of any JSON parser.
app.post("/pusher/webhook", express.raw({ type: "application/json" }), (req, res) => {
  const verified = Webhook.verify({ headers: req.headers, body: req.body }, { maxAge: "5 minutes" })
  respond(
    res,
    Effect.flatMap(verified, (payload) =>
      Effect.as(
        Effect.forEach(payload.events, (event) => Effect.log(`webhook: ${event._tag}`), { discard: true }),
        { received: payload.events.length }
      ))
  )
})

// pusher-js posts `socket_id` and `channel_name` as a form.
app.post("/pusher/auth", express.urlencoded({ extended: false }), (req, res) => {
  const user = signedIn(req, res)
  if (user === undefined) return
  // The member's data is asked for presence channels only: private channels take none.
  respond(
    res,
    AuthRequest.authorizeChannel(
      { headers: req.headers, body: req.body },
      () => Effect.succeed({ user_id: user.id, user_info: { name: user.name } })
    )
  )
})

// pusher-js `signin()`
app.post("/pusher/user-auth", express.urlencoded({ extended: false }), (req, res) => {
  const user = signedIn(req, res)
  if (user === undefined) return
  respond(res, AuthRequest.authenticateUser({ headers: req.headers, body: req.body }, { id: user.id }))
})

// Your own route: a message posted by a signed-in user goes to everyone on the room's channel.
app.post("/rooms/:room/messages", express.json(), (req, res) => {
  const user = signedIn(req, res)
  if (user === undefined) return
  const text: unknown = req.body?.text
  if (typeof text !== "string") {
    res.status(400).json({ error: "text must be a string" })
    return
  }
  respond(res, Pusher.trigger(`presence-${req.params["room"]}`, "message", { from: user.id, text }))
})

const server = app.listen(Number(process.env["PORT"] ?? 3000), "127.0.0.1", () => {
  const address = server.address()
  console.log(`listening on http://127.0.0.1:${typeof address === "object" && address ? address.port : ""}`)
})

process.once("SIGTERM", () => {
  server.closeAllConnections()
  server.close(() => void runtime.dispose())
})
