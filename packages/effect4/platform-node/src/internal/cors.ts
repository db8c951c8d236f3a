/**
 * CORS on the served emulator's REST API, so that browser code on another local port (a Vite or Next dev
 * server on :5173 or :3000) can call it.
 *
 * The policy is "any origin", as local emulators usually do (soketi allows `*` by default): the emulator
 * listens on 127.0.0.1 for a developer's own tools, its answers carry no cookies (`*` forbids credentials,
 * and none are needed: a REST call is authorized by the signature in its query string), and naming the
 * allowed origins would only make a developer restart it with a flag when their dev server changes port.
 * Preflights (`OPTIONS`) are answered at once with 204, the methods the API has (GET and POST) and the
 * headers the browser asked for; the emulator never sees them, so they are not in its request log. Only
 * `/apps/...` gets these headers: the Channels WebSocket (`/app/{key}`) needs none, and other routes of the
 * server (a debug console) are not meant to be read by other origins.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as HttpMiddleware from "effect/http/HttpMiddleware"
import * as HttpServerRequest from "effect/http/HttpServerRequest"
import type * as HttpServerResponse from "effect/http/HttpServerResponse"

/** How long a browser may cache a preflight answer, in seconds. */
export const maxAgeSeconds = 600

const isRestApi = (url: string) => url.startsWith("/apps/")

/**
 * The app with CORS on the REST API's paths.
 *
 * @internal
 */
export const restApi = <E, R>(
  app: Effect.Effect<HttpServerResponse.HttpServerResponse, E, R>
): Effect.Effect<HttpServerResponse.HttpServerResponse, E, R | HttpServerRequest.HttpServerRequest> => {
  const withCors = HttpMiddleware.cors({ allowedMethods: ["GET", "POST"], maxAge: maxAgeSeconds })(app)
  return Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => isRestApi(request.url) ? withCors : app)
}
