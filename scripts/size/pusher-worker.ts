// The Worker the size budget is about: `trigger` and `authorizeChannel` only, over FetchHttpClient.
import * as Pusher from "@effect-pusher/core/Pusher"
import * as PusherConfig from "@effect-pusher/core/PusherConfig"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

interface Env {
  readonly PUSHER_APP_ID: string
  readonly PUSHER_KEY: string
  readonly PUSHER_SECRET: string
}

export default {
  fetch: (request: Request, env: Env): Promise<Response> =>
    Effect.gen(function*() {
      const url = new URL(request.url)
      const socketId = url.searchParams.get("socket_id") ?? ""
      const channel = url.searchParams.get("channel_name") ?? ""
      if (url.pathname === "/pusher/auth") {
        return Response.json(yield* Pusher.authorizeChannel(socketId, channel))
      }
      yield* Pusher.trigger(channel, "message", { text: url.searchParams.get("text") })
      return new Response(null, { status: 204 })
    }).pipe(
      Effect.catchAll((error) => Effect.succeed(new Response(error.message, { status: 500 }))),
      Effect.provide(Layer.merge(
        PusherConfig.layer({ appId: env.PUSHER_APP_ID, key: env.PUSHER_KEY, secret: env.PUSHER_SECRET }),
        FetchHttpClient.layer
      )),
      Effect.catchAll((error) => Effect.succeed(new Response(error.message, { status: 500 }))),
      Effect.runPromise
    )
}
