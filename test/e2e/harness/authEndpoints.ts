/**
 * The auth endpoints pusher-js calls (`channelAuthorization` / `userAuthentication` with the ajax
 * transport): form-encoded `socket_id` (+ `channel_name`) plus the client's params `user_id` and `mode`.
 *
 * The request is decoded and signed by the library (`AuthRequest.authorizeChannel` /
 * `AuthRequest.authenticateUser`, exactly as sent by pusher-js); only the HTTP plumbing is node:http. When
 * platform-node's HTTP endpoints exist, `start` is replaced by a server built from them (same
 * `AuthEndpoints` shape), with an authorizer that denies when `mode=deny` and a config with a wrong secret
 * when `mode=wrong-secret`.
 */
import * as AuthRequest from "@effect-pusher/core/AuthRequest"
import * as PusherConfig from "@effect-pusher/core/PusherConfig"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as HttpServer from "./httpServer.js"

export interface AuthEndpoints {
  readonly channelEndpoint: string
  readonly userEndpoint: string
  /** Every auth request seen, for assertions that the endpoint was really used. */
  readonly requests: ReadonlyArray<{ readonly path: string; readonly socketId: string; readonly mode: string }>
  readonly close: () => Promise<void>
}

const json = (status: number, body: unknown): HttpServer.Response => ({ status, body: JSON.stringify(body) })

export const start = async (options: {
  readonly config: PusherConfig.Service
  /** The same app with a secret soketi does not know. */
  readonly wrongSecretConfig: PusherConfig.Service
}): Promise<AuthEndpoints> => {
  const requests: Array<{ path: string; socketId: string; mode: string }> = []
  const run = async <A, E>(
    mode: string,
    effect: Effect.Effect<A, E, PusherConfig.PusherConfig>
  ): Promise<HttpServer.Response> => {
    const config = mode === "wrong-secret" ? options.wrongSecretConfig : options.config
    const exit = await Effect.runPromiseExit(Effect.provideService(effect, PusherConfig.PusherConfig, config))
    return Exit.isSuccess(exit) ? json(200, exit.value) : json(400, { error: String(exit.cause) })
  }
  const server = await HttpServer.listen(async (request) => {
    const form = new URLSearchParams(request.body)
    const socketId = form.get("socket_id") ?? ""
    const mode = form.get("mode") ?? "allow"
    const userId = form.get("user_id") ?? "anonymous"
    requests.push({ path: request.path, socketId, mode })
    if (request.method !== "POST") return json(405, { error: "POST only" })
    if (mode === "deny") return json(403, { error: "denied by the test's authorizer" })
    const authRequest: AuthRequest.AuthHttpRequest = { headers: request.headers, body: request.body }
    const user = { user_id: userId, user_info: { name: `User ${userId}` } }
    switch (request.path) {
      case "/pusher/auth":
        return run(mode, AuthRequest.authorizeChannel(authRequest, () => Effect.succeed(user)))
      case "/pusher/user-auth":
        return run(mode, AuthRequest.authenticateUser(authRequest, { id: userId, user_info: user.user_info }))
      default:
        return json(404, { error: "not found" })
    }
  })
  return {
    channelEndpoint: `${server.url}/pusher/auth`,
    userEndpoint: `${server.url}/pusher/user-auth`,
    requests,
    close: server.close
  }
}
