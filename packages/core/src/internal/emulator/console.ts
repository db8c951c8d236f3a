import * as EmulatorConsolePage from "@effect-pusher/protocol/EmulatorConsolePage"
import type * as HttpApp from "@effect/platform/HttpApp"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as ConsoleFeed from "./consoleFeed.js"
import type { Emulator } from "./emulator.js"

/**
 * The console's own paths: `/` and what starts with `/_console/`. Neither the REST API (`/apps/{id}/...`)
 * nor the sockets (`/app/{key}`) use them.
 *
 * @internal
 */
export const paths = { page: "/", prefix: "/_console/", events: "/_console/events" } as const

// Only these files run on the page and it may only talk to its own origin: defence in depth, should a
// value ever reach the page as markup.
const securityHeaders = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store"
}

const file = (body: string, contentType: string) =>
  HttpServerResponse.text(body, { contentType, headers: securityHeaders })

const pathOf = (url: string): string => {
  const end = url.search(/[?#]/)
  return end === -1 ? url : url.slice(0, end)
}

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
  app: HttpApp.Default
): Effect.Effect<HttpApp.Default, never, Scope.Scope> =>
  Effect.gen(function*() {
    const closing = yield* Deferred.make<void>()
    yield* Effect.addFinalizer(() => Deferred.succeed(closing, undefined))
    const events = HttpServerResponse.stream(
      ConsoleFeed.feed(emulator).pipe(Stream.interruptWhen(Deferred.await(closing)), Stream.encodeText),
      {
        contentType: "text/event-stream; charset=utf-8",
        headers: {
          ...securityHeaders,
          // Not kept alive: the connection of a feed is its own, and a server closing has none to wait for.
          connection: "close",
          "x-accel-buffering": "no"
        }
      }
    )
    const pages = new Map([
      [paths.page, file(EmulatorConsolePage.html, "text/html; charset=utf-8")],
      ["/_console/console.js", file(EmulatorConsolePage.js, "text/javascript; charset=utf-8")],
      ["/_console/console.css", file(EmulatorConsolePage.css, "text/css; charset=utf-8")]
    ])
    const notFound = HttpServerResponse.text("Not found", { status: 404 })
    const notAllowed = HttpServerResponse.text("Method not allowed", { status: 405, headers: { allow: "GET, HEAD" } })
    return Effect.flatMap(HttpServerRequest.HttpServerRequest, (request): HttpApp.Default => {
      const path = pathOf(request.url)
      if (path !== paths.page && !path.startsWith(paths.prefix)) return app
      if (request.method !== "GET" && request.method !== "HEAD") return Effect.succeed(notAllowed)
      if (path === paths.events) return Effect.succeed(events)
      return Effect.succeed(pages.get(path) ?? notFound)
    })
  })
