// The baseline of the size check: the same Worker as pusher-worker.ts, with Effect and FetchHttpClient
// alone (it posts the event unsigned and answers auth with an unsigned body), so the difference is what
// this library adds.
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

interface Env {
  readonly PUSHER_APP_ID: string
  readonly PUSHER_KEY: string
  readonly PUSHER_SECRET: string
}

class App extends Context.Tag("App")<App, Env>() {}

export default {
  fetch: (request: Request, env: Env): Promise<Response> =>
    Effect.gen(function*() {
      const app = yield* App
      const url = new URL(request.url)
      const socketId = url.searchParams.get("socket_id") ?? ""
      const channel = url.searchParams.get("channel_name") ?? ""
      if (url.pathname === "/pusher/auth") {
        return Response.json({ auth: `${app.PUSHER_KEY}:${socketId}:${channel}` })
      }
      const response = yield* HttpClient.execute(
        HttpClientRequest.post(`https://api-mt1.pusher.com/apps/${app.PUSHER_APP_ID}/events`).pipe(
          HttpClientRequest.bodyUnsafeJson({
            name: "message",
            channels: [channel],
            data: JSON.stringify({ text: url.searchParams.get("text") })
          })
        )
      )
      yield* response.json
      return new Response(null, { status: 204 })
    }).pipe(
      Effect.catchAll((error) => Effect.succeed(new Response(error.message, { status: 500 }))),
      Effect.provide(Layer.merge(Layer.succeed(App, env), FetchHttpClient.layer)),
      Effect.runPromise
    )
}
