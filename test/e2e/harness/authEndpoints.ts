/**
 * The auth endpoints pusher-js calls (`channelAuthorization` / `userAuthentication`, ajax transport): the
 * library's own `PusherEndpoints.router` served by platform-node's `NodePusherEndpoints.makeHandler` on
 * node:http. Like an app that knows its user from a session, the authorizer reads who the user is (and,
 * for the tests, whether to deny) from request headers that the pusher-js client sends.
 *
 * A second server runs the same endpoints with a config whose secret soketi does not know, for the
 * "signed with a wrong secret" cases.
 */
import * as PusherConfig from "@effect-pusher/core/PusherConfig"
import * as PusherEndpoints from "@effect-pusher/core/PusherEndpoints"
import * as NodePusherEndpoints from "@effect-pusher/platform-node/NodePusherEndpoints"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as HttpServer from "./httpServer.js"
import { type AuthMode, modeHeader, userHeader, watchlistHeader } from "./pusherJs.js"

export interface AuthRecord {
  readonly path: string
  readonly socketId: string
  readonly mode: string
}

export interface AuthEndpoints {
  /** The endpoints for a mode: the wrong-secret server for `wrong-secret`, the proper one otherwise. */
  readonly endpointsFor: (mode: AuthMode) => { readonly channel: string; readonly user: string }
  /** Every request that reached an authorizer, for assertions that the endpoint was really used. */
  readonly requests: ReadonlyArray<AuthRecord>
}

const userInfo = (userId: string) => ({ name: `User ${userId}` })

const serve = (
  config: PusherConfig.Service,
  requests: Array<AuthRecord>
): Effect.Effect<string, never, Scope.Scope> =>
  Effect.gen(function*() {
    const identity = Effect.map(HttpServerRequest.HttpServerRequest, (request) => ({
      userId: request.headers[userHeader] ?? "anonymous",
      mode: request.headers[modeHeader] ?? "allow",
      watchlist: request.headers[watchlistHeader]?.split(",")
    }))
    const router = PusherEndpoints.router({
      authorizeChannel: (request) =>
        Effect.map(identity, ({ mode, userId }) => {
          requests.push({ path: "/pusher/auth", socketId: request.socketId, mode })
          if (mode === "deny") return PusherEndpoints.deny("denied by the test's authorizer")
          return request.channelName.startsWith("presence-")
            ? PusherEndpoints.allowPresence({ user_id: userId, user_info: userInfo(userId) })
            : PusherEndpoints.allow
        }),
      authenticateUser: (request) =>
        Effect.map(identity, ({ mode, userId, watchlist }) => {
          requests.push({ path: "/pusher/user-auth", socketId: request.socketId, mode })
          if (mode === "deny") return PusherEndpoints.deny("denied by the test's authenticator")
          return watchlist === undefined
            ? { id: userId, user_info: userInfo(userId) }
            : { id: userId, user_info: userInfo(userId), watchlist }
        })
    })
    const handler = yield* NodePusherEndpoints.makeHandler(router).pipe(
      Effect.provideService(PusherConfig.PusherConfig, config)
    )
    return yield* HttpServer.serveHandler(handler)
  })

export const start = (options: {
  readonly config: PusherConfig.Service
  /** The same app with a secret soketi does not know. */
  readonly wrongSecretConfig: PusherConfig.Service
}): Effect.Effect<AuthEndpoints, never, Scope.Scope> =>
  Effect.gen(function*() {
    const requests: Array<AuthRecord> = []
    const proper = yield* serve(options.config, requests)
    const wrong = yield* serve(options.wrongSecretConfig, requests)
    return {
      endpointsFor: (mode) => {
        const base = mode === "wrong-secret" ? wrong : proper
        return { channel: `${base}/pusher/auth`, user: `${base}/pusher/user-auth` }
      },
      requests
    }
  })
