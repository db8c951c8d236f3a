import * as EmulatorConsolePage from "@effect-pusher/protocol/EmulatorConsolePage"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as HttpServerRequest from "effect/http/HttpServerRequest"
import * as HttpServerResponse from "effect/http/HttpServerResponse"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as ConsoleFeed from "./consoleFeed.js"
import type { Emulator } from "./emulator.js"
import type { HttpApp } from "./transport.js"

/**
 * `app` with the debug console in front: `GET /` the page, `GET /_console/events` its Server-Sent Events
 * feed; every other request goes to `app`. A feed is one stream in the request's fiber: it ends when its
 * client goes (the server interrupts the fiber), and when the scope closes, so a server closing does not
 * wait for open consoles.
 *
 * @internal
 */
export const withConsole = (
  emulator: Emulator,
  app: HttpApp
): Effect.Effect<HttpApp, never, Scope.Scope> =>
  Effect.gen(function*() {
    const closing = yield* Deferred.make<void>()
    yield* Effect.addFinalizer(() => Effect.asVoid(Deferred.succeed(closing, undefined)))
    const events = HttpServerResponse.stream(
      ConsoleFeed.feed(emulator).pipe(Stream.interruptWhen(Deferred.await(closing)), Stream.encodeText),
      EmulatorConsolePage.feedHeaders
    )
    const notFound = HttpServerResponse.text("Not found", { status: 404 })
    const notAllowed = HttpServerResponse.text("Method not allowed", { status: 405, headers: { allow: "GET, HEAD" } })
    return Effect.flatMap(HttpServerRequest.HttpServerRequest, (request): HttpApp => {
      const route = EmulatorConsolePage.route(request.method, request.url)
      switch (route._tag) {
        case "App":
          return app
        case "Feed":
          return Effect.succeed(events)
        case "File":
          return Effect.succeed(
            HttpServerResponse.text(route.body, {
              contentType: route.contentType,
              headers: EmulatorConsolePage.securityHeaders
            })
          )
        case "MethodNotAllowed":
          return Effect.succeed(notAllowed)
        case "NotFound":
          return Effect.succeed(notFound)
      }
    })
  })
