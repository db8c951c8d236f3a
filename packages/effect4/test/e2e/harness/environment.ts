/**
 * One end-to-end environment per test file, as a scoped layer: the webhook receiver, the auth endpoints,
 * soketi (one app with client messages, user authentication, webhooks to the receiver and event limits
 * below the library's own), a `PusherConfig` pointing at it and a real `HttpClient`. Closing the layer stops
 * soketi by PID and closes the servers. soketi itself, ports, and what differs between soketi and the local
 * server (profile) are the Effect 3 line's harness's, Effect-free (test/e2e/harness).
 */
import * as PusherConfig from "@effect-pusher/core/PusherConfig"
import * as PusherEndpoints from "@effect-pusher/core/PusherEndpoints"
import type * as Webhook from "@effect-pusher/core/Webhook"
import * as NodePusher from "@effect-pusher/platform-node/NodePusher"
import * as NodePusherEndpoints from "@effect-pusher/platform-node/NodePusherEndpoints"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as NodeCrypto from "node:crypto"
import { profile, soketiLimits } from "../../../../../test/e2e/harness/profile.js"
import * as Soketi from "../../../../../test/e2e/harness/soketi.js"
import * as AuthEndpoints from "./authEndpoints.js"
import * as Clients from "./clients.js"
import * as HttpServer from "./httpServer.js"
import * as LocalServer from "./localServer.js"
import type { WaitTimeout } from "./wait.js"
import * as WebhookReceiver from "./webhookReceiver.js"

export { profile }

export interface Service {
  /** The server under test: soketi, or the library's own emulator (`E2E_SERVER=local`). */
  readonly soketi: { readonly host: string; readonly port: number }
  readonly app: { readonly id: string; readonly key: string; readonly secret: string }
  /** The library's options for soketi's app (what a user would pass to `NodePusher.layer`). */
  readonly options: PusherConfig.Options
  readonly config: PusherConfig.Service
  readonly auth: AuthEndpoints.AuthEndpoints
  /** soketi's webhook requests, raw. */
  readonly webhooks: WebhookReceiver.WebhookReceiver
  /** What came out of the library's webhook endpoint (`PusherEndpoints.webhookStream`), in order. */
  readonly endpointEvents: ReadonlyArray<Webhook.WebhookEvent>
  /** A connected pusher-js client, disconnected when the scope closes. */
  readonly connect: (options?: Clients.ClientOptions) => Effect.Effect<Clients.Client, WaitTimeout, Scope.Scope>
}

export class E2E extends Context.Service<E2E, Service>()("effect-pusher/e2e/E2E") {}

const webhookEvents = ["channel_occupied", "channel_vacated", "member_added", "member_removed", "client_event"]

const make = Effect.gen(function*() {
  const app = { id: "e2e-app", key: "e2e-key", secret: `e2e-secret-${NodeCrypto.randomBytes(8).toString("hex")}` }
  const masterKey = NodeCrypto.randomBytes(32).toString("base64")

  const webhooks = yield* Effect.acquireRelease(
    Effect.promise(() => WebhookReceiver.start()),
    (receiver) => Effect.promise(() => receiver.close())
  )
  // The library's webhook endpoint, its stream drained in the background (it answers once events are taken).
  const webhookConfig = yield* PusherConfig.make({
    appId: app.id,
    key: app.key,
    secret: app.secret,
    host: "127.0.0.1",
    encryptionMasterKeyBase64: masterKey
  })
  const endpointEvents: Array<Webhook.WebhookEvent> = []
  const webhookStream = yield* PusherEndpoints.webhookStream()
  yield* webhookStream.events.pipe(
    Stream.runForEach((event) => Effect.sync(() => endpointEvents.push(event))),
    Effect.forkScoped
  )
  const webhookEndpoint = yield* NodePusherEndpoints.makeHandler(webhookStream.endpoint).pipe(
    Effect.provideService(PusherConfig.PusherConfig, webhookConfig),
    Effect.flatMap(HttpServer.serveHandler)
  )

  const soketi = profile.kind === "soketi"
    ? yield* Effect.acquireRelease(
      Effect.promise(() =>
        Soketi.start({
          app: {
            ...app,
            enableClientMessages: true,
            enableUserAuthentication: true,
            maxEventChannelsAtOnce: soketiLimits.channels,
            maxEventNameLength: soketiLimits.eventNameLength,
            maxEventPayloadInKb: soketiLimits.payloadKb,
            webhooks: [
              { url: webhooks.url, event_types: webhookEvents },
              { url: `${webhookEndpoint}/pusher/webhook`, event_types: webhookEvents }
            ]
          }
        })
      ),
      (soketi) => Effect.promise(() => soketi.stop())
    )
    : yield* LocalServer.start(app, profile.limits.payloadKb * 1024, [
      webhooks.url,
      `${webhookEndpoint}/pusher/webhook`
    ])
  const options: PusherConfig.Options = {
    appId: app.id,
    key: app.key,
    secret: app.secret,
    host: soketi.host,
    port: soketi.port,
    useTLS: false,
    timeout: "5 seconds",
    encryptionMasterKeyBase64: masterKey
  }
  const config = yield* PusherConfig.make(options)
  const wrongSecretConfig = yield* PusherConfig.make({ ...options, secret: "not-the-secret" })
  const auth = yield* AuthEndpoints.start({ config, wrongSecretConfig })
  const settings: Clients.ClientSettings = {
    key: app.key,
    host: soketi.host,
    port: soketi.port,
    endpointsFor: auth.endpointsFor
  }
  const service: Service = {
    soketi,
    app,
    options,
    config,
    auth,
    webhooks,
    endpointEvents,
    connect: (clientOptions) => Clients.connect(settings, clientOptions)
  }
  return service
}).pipe(Effect.orDie)

/** How the tests provide the library: config, node:crypto and platform-node's lean pooled `HttpClient`. */
const libraryLayer = (options: PusherConfig.Options): Layer.Layer<NodePusher.Services> =>
  NodePusher.layer(options).pipe(Layer.orDie)

/** The environment, plus what every library operation requires, configured for its soketi. */
export const layer: Layer.Layer<E2E | NodePusher.Services> = Layer.provideMerge(
  Layer.unwrap(Effect.map(E2E, (e2e) => libraryLayer(e2e.options))),
  Layer.effect(E2E, make)
)
