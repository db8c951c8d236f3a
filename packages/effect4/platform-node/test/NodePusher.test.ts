import { Pusher, PusherCrypto } from "@effect-pusher/core"
import { NodePusher, NodePusherCrypto } from "@effect-pusher/platform-node"
import { assert, describe, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as NodeCrypto from "node:crypto"
import * as TestServer from "./utils/server.js"

interface Seen {
  readonly method: string
  readonly path: string
  readonly query: URLSearchParams
  readonly body: string
  /** Whether auth_signature and body_md5 are right for the secret below. */
  readonly signed: boolean
}

const secret = "node-pusher-secret"

const verifySignature = (method: string, url: string, body: string): boolean => {
  const [path = "", query = ""] = url.split("?")
  const index = query.lastIndexOf("&auth_signature=")
  if (index < 0) return false
  const unsigned = query.slice(0, index)
  const signature = query.slice(index + "&auth_signature=".length)
  const expected = NodeCrypto.createHmac("sha256", secret).update(`${method}\n${path}\n${unsigned}`).digest("hex")
  const md5 = new URLSearchParams(unsigned).get("body_md5")
  const bodyOk = body === "" ? md5 === null : md5 === NodeCrypto.createHash("md5").update(body).digest("hex")
  return signature === expected && bodyOk
}

/** A node:http Channels stand-in on 127.0.0.1 answering each path as Channels would; closed with the scope. */
const serve = (answers: Record<string, string>) =>
  Effect.map(
    TestServer.serve((request, response) => {
      const answer = answers[request.url.split("?")[0] ?? ""]
      if (answer === "hang") return
      response.writeHead(answer === undefined ? 404 : 200, { "content-type": "application/json" })
      response.end(answer ?? `{"error":"unknown path"}`)
    }),
    (server) => ({
      port: server.port,
      connections: server.connections,
      aborted: server.aborted,
      /** What the server received, with the signature checked against the secret above. */
      get seen(): ReadonlyArray<Seen> {
        return server.seen.map(({ body, method, url }) => ({
          method,
          path: url.split("?")[0] ?? "",
          query: new URLSearchParams(url.split("?")[1] ?? ""),
          body,
          signed: verifySignature(method, url, body)
        }))
      }
    })
  )

const options = (port: number) => ({ appId: "42", key: "node-key", secret, host: "127.0.0.1", port, useTLS: false })

const answers = {
  "/apps/42/events": `{"channels":{"orders":{"subscription_count":3}}}`,
  "/apps/42/batch_events": `{"batch":[{"subscription_count":1},{}]}`,
  "/apps/42/users/ada/terminate_connections": "{}",
  "/apps/42/channels": `{"channels":{"presence-room":{"user_count":2}}}`,
  "/apps/42/channels/presence-room": `{"occupied":true,"user_count":2,"subscription_count":5}`,
  "/apps/42/channels/presence-room/users": `{"users":[{"id":"ada"},{"id":"bob"}]}`,
  "/apps/42/custom": `{"anything":[1]}`,
  "/apps/42/slow": "hang"
}

describe("NodePusher", () => {
  it.live("runs every HTTP operation end to end through NodePusher.layer, signed and decoded", () =>
    Effect.gen(function*() {
      const server = yield* serve(answers)
      const results = yield* Effect.gen(function*() {
        return [
          yield* Pusher.trigger("orders", "created", { id: 1 }, { info: ["subscription_count"] }),
          yield* Pusher.triggerBatch([
            { channel: "a", name: "e", data: "one", info: ["subscription_count"] },
            { channel: "b", name: "e", data: { two: 2 } }
          ]),
          yield* Pusher.sendToUser("ada", "hello", { hi: true }),
          yield* Pusher.terminateUserConnections("ada"),
          yield* Pusher.channels({ filterByPrefix: "presence-", info: ["user_count"] }),
          yield* Pusher.channel("presence-room", { info: ["user_count", "subscription_count"] }),
          yield* Pusher.users("presence-room"),
          yield* Pusher.get("/custom", { x: "1" }),
          yield* Pusher.post("/custom", { y: 2 })
        ] as const
      }).pipe(Effect.provide(NodePusher.layer(options(server.port))))

      assert.deepStrictEqual(results[0], { channels: { orders: { subscriptionCount: 3 } } })
      assert.deepStrictEqual(results[1], { batch: [{ subscriptionCount: 1 }, {}] })
      assert.deepStrictEqual(results[4], { channels: { "presence-room": { userCount: 2 } } })
      assert.deepStrictEqual(results[5], { occupied: true, userCount: 2, subscriptionCount: 5 })
      assert.deepStrictEqual(results[6], [{ id: "ada" }, { id: "bob" }])
      assert.deepStrictEqual(results[7], { anything: [1] })
      assert.deepStrictEqual(results[8], { anything: [1] })

      assert.deepStrictEqual(server.seen.map((seen) => `${seen.method} ${seen.path}`), [
        "POST /apps/42/events",
        "POST /apps/42/batch_events",
        "POST /apps/42/events",
        "POST /apps/42/users/ada/terminate_connections",
        "GET /apps/42/channels",
        "GET /apps/42/channels/presence-room",
        "GET /apps/42/channels/presence-room/users",
        "GET /apps/42/custom",
        "POST /apps/42/custom"
      ])
      assert.isTrue(server.seen.every((seen) => seen.signed))
      assert.deepStrictEqual(JSON.parse(server.seen[0]!.body), {
        name: "created",
        data: `{"id":1}`,
        channels: ["orders"],
        info: "subscription_count"
      })
      assert.strictEqual(
        server.seen[2]!.body,
        `{"name":"hello","data":"{\\"hi\\":true}","channels":["#server-to-user-ada"]}`
      )
      assert.strictEqual(server.seen[4]!.query.get("filter_by_prefix"), "presence-")
      assert.strictEqual(server.seen[7]!.query.get("x"), "1")
      // One layer, one pool: the requests share kept-alive connections.
      assert.isAtMost(server.connections(), 2)
    }))

  it.live("applies the PusherConfig timeout: TransportError Timeout, and the server sees the abort", () =>
    Effect.gen(function*() {
      const server = yield* serve(answers)
      const error = yield* Pusher.post("/slow", {}).pipe(
        Effect.flip,
        Effect.provide(NodePusher.layer({ ...options(server.port), timeout: "150 millis" }))
      )
      assert.strictEqual(error._tag, "TransportError")
      assert.strictEqual(error._tag === "TransportError" ? error.reason : "", "Timeout")
      for (let i = 0; i < 200 && server.aborted() === 0; i++) yield* Effect.sleep("10 millis")
      assert.strictEqual(server.aborted(), 1)
    }))

  it.live("a refused connection is a TransportError Network; an HTTP error status an HttpError", () =>
    Effect.gen(function*() {
      const closed = yield* Effect.scoped(serve(answers))
      const refused = yield* Pusher.trigger("orders", "created", {}).pipe(
        Effect.flip,
        Effect.provide(NodePusher.layer(options(closed.port)))
      )
      assert.strictEqual(refused._tag, "TransportError")
      assert.strictEqual(refused._tag === "TransportError" ? refused.reason : "", "Network")
      assert.include(refused.message, "ECONNREFUSED")

      const server = yield* serve(answers)
      const notFound = yield* Pusher.get("/nowhere").pipe(
        Effect.flip,
        Effect.provide(NodePusher.layer(options(server.port)))
      )
      assert.strictEqual(notFound._tag, "HttpError")
    }))

  it.live("layerConfig reads PusherConfig.fromEnv and provides node:crypto", () =>
    Effect.gen(function*() {
      const server = yield* serve(answers)
      const env = ConfigProvider.fromEnvRecord({
        PUSHER_URL: `http://node-key:${secret}@127.0.0.1:${server.port}/apps/42`
      })
      const layer = NodePusher.layerConfig().pipe(Layer.provide(ConfigProvider.layer(env)))
      const crypto = yield* Effect.provide(
        Effect.tap(PusherCrypto.current, Pusher.trigger("orders", "created", "x")),
        layer
      )
      assert.strictEqual(crypto, NodePusherCrypto.service)
      assert.strictEqual(server.seen.length, 1)
      assert.isTrue(server.seen[0]!.signed)

      const missing = yield* Effect.flip(Layer.build(
        NodePusher.layerConfig().pipe(Layer.provide(ConfigProvider.layer(ConfigProvider.fromEnvRecord({}))))
      ))
      assert.include(String(missing), "PUSHER_URL")
    }))

  it.effect("layerWithoutHttpClient leaves the HttpClient to the user", () =>
    Effect.gen(function*() {
      const crypto = yield* Effect.provide(PusherCrypto.current, NodePusher.layerWithoutHttpClient(options(1)))
      assert.strictEqual(crypto, NodePusherCrypto.service)
      const bad = yield* Effect.flip(Layer.build(NodePusher.layer({ ...options(1), appId: "bad id" })))
      assert.include(String(bad), "appId")
    }).pipe(Effect.scoped))
})
