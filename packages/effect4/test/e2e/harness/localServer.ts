/**
 * The library's own Channels server for the e2e suite (`E2E_SERVER=local`): `PusherTest` served by
 * `NodePusherTest` (REST API and WebSocket protocol on one port), its webhooks POSTed to the suite's
 * receivers as Channels would send them.
 */
import * as PusherTest from "@effect-pusher/core/PusherTest"
import * as NodePusherTest from "@effect-pusher/platform-node/NodePusherTest"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"

export const start = (
  app: { readonly id: string; readonly key: string; readonly secret: string },
  maxPayloadBytes: number,
  webhookUrls: ReadonlyArray<string>
): Effect.Effect<{ readonly host: string; readonly port: number }, never, Scope.Scope> =>
  Effect.gen(function*() {
    const service = yield* PusherTest.make({ appId: app.id, key: app.key, secret: app.secret, maxPayloadBytes })
    const served = yield* NodePusherTest.serveService(service)
    yield* service.deliverWebhooks((request) =>
      Effect.forEach(webhookUrls, (url) =>
        Effect.tryPromise(async () => {
          const response = await fetch(url, { method: "POST", headers: request.headers, body: request.body })
          if (!response.ok) throw new Error(`webhook answered ${response.status}`)
        }))
    )
    return { host: served.hostname, port: served.port }
  }).pipe(Effect.orDie)
