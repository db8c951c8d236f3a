/**
 * The Effect 4 line's port of the root `test/hostile/options.test.ts` (issue 13 §2): every public function and constructor of core and platform-node, called with hostile values
 * (Proxies whose getters throw or change, cyclic objects, BigInt, Symbol, lone surrogates, null, undefined,
 * NaN, negative and huge numbers, functions) in its data and option positions, never throws synchronously
 * and never dies: each Effect, Layer and Stream it answers is run and its exit checked.
 *
 * The exports are enumerated, so a new function fails "every export has a way to be called" until it joins
 * `calls` (or `notCalled`, with the reason).
 */
import * as Core from "@effect-pusher/core"
import * as PlatformNode from "@effect-pusher/platform-node"
import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as HttpServerRequest from "effect/http/HttpServerRequest"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as fc from "fast-check"

const { AuthRequest, Pusher, PusherBatching, PusherConfig, PusherEndpoints, PusherTest, Webhook } = Core
const { NodePusher, NodePusherEndpoints, NodePusherHttpClient, NodePusherTest } = PlatformNode

const boom = () => {
  throw new Error("hostile")
}

// Option keys of every bag, so that hostile values also land where they are read.
const knownKeys = [
  "appId",
  "key",
  "secret",
  "host",
  "cluster",
  "port",
  "useTLS",
  "scheme",
  "timeout",
  "maxPayloadBytes",
  "encryptionMasterKeyBase64",
  "webhookTokens",
  "maxBatch",
  "maxWait",
  "maxInFlight",
  "ordering",
  "maxAge",
  "onInvalid",
  "maxBodyBytes",
  "connections",
  "keepAliveTimeout",
  "maxResponseBytes",
  "socketId",
  "info",
  "filterByPrefix",
  "headers",
  "body",
  "channel",
  "name",
  "data",
  "user_id",
  "id",
  "capacity"
]

/** Each call makes a fresh value: Proxies keep state. */
const leaves: ReadonlyArray<() => unknown> = [
  () => null,
  () => undefined,
  () => Number.NaN,
  () => -1,
  () => 0,
  () => 1e308,
  () => -Infinity,
  () => 2 ** 53,
  () => 10n ** 30n,
  () => Symbol("hostile"),
  () => "\uD800",
  () => "",
  () => "x".repeat(5_000),
  () => () => 1,
  () => boom,
  () => [],
  () => Object.create(null),
  () => {
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    cyclic.appId = cyclic
    return cyclic
  },
  () =>
    new Proxy({}, {
      get: boom,
      has: boom,
      ownKeys: boom,
      getOwnPropertyDescriptor: boom,
      getPrototypeOf: boom
    }),
  () => {
    // Answers a different value on every read, and different keys on every listing.
    let reads = 0
    return new Proxy({}, {
      get: () => (reads++ % 2 === 0 ? 1 : "x"),
      ownKeys: () => (reads++ % 2 === 0 ? ["timeout"] : ["appId", "key"]),
      getOwnPropertyDescriptor: () => ({ enumerable: true, configurable: true, value: reads })
    })
  },
  () => {
    const { proxy, revoke } = Proxy.revocable({}, {})
    revoke()
    return proxy
  },
  () => [new Proxy([], { get: boom })]
]

// fast-check inspects what it generates, so it generates recipes; the hostile values are made from them inside
// the property, fresh for each call.
type Recipe =
  | { readonly leaf: number }
  | { readonly bag: ReadonlyArray<readonly [string, number]> }
  | { readonly getter: string }
const leafIndex = fc.nat(leaves.length - 1)
const recipe: fc.Arbitrary<Recipe> = fc.oneof(
  leafIndex.map((leaf) => ({ leaf })),
  fc.array(fc.tuple(fc.constantFrom(...knownKeys), leafIndex), { maxLength: 4 }).map((bag) => ({ bag })),
  fc.constantFrom(...knownKeys).map((getter) => ({ getter }))
)
const make = (recipe: Recipe): unknown => {
  if ("leaf" in recipe) return leaves[recipe.leaf]?.()
  if ("getter" in recipe) return Object.defineProperty({}, recipe.getter, { enumerable: true, get: boom })
  const bag: Record<string, unknown> = {}
  for (const [key, leaf] of recipe.bag) bag[key] = leaves[leaf]?.()
  return Object.defineProperty(bag, "hidden", { enumerable: false, get: boom })
}
const args = fc.tuple(recipe, recipe, recipe, recipe)

type Args = readonly [unknown, unknown, unknown, unknown]
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped callers pass anything
type Untyped = any
const u = (value: unknown): Untyped => value

const validOptions = { appId: 1, key: "key", secret: "secret" }
const authorize = () => Effect.succeed(PusherEndpoints.allow)
const webRequest = (body: unknown) =>
  HttpServerRequest.fromWeb(
    new Request("http://127.0.0.1/x", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: typeof body === "string" ? body : "{}"
    })
  )

/** How to call each function: hostile values in its data and option positions. */
const calls: Record<string, (a: Args) => unknown> = {
  "Pusher.trigger": ([a, b, c, d]) => Pusher.trigger(u(a), u(b), c, u(d)),
  "Pusher.triggerBatch": ([a]) => Pusher.triggerBatch(u(a)),
  "Pusher.sendToUser": ([a, b, c]) => Pusher.sendToUser(u(a), u(b), c),
  "Pusher.terminateUserConnections": ([a]) => Pusher.terminateUserConnections(u(a)),
  "Pusher.channels": ([a]) => Pusher.channels(u(a)),
  "Pusher.channel": ([a, b]) => Pusher.channel(u(a), u(b)),
  "Pusher.users": ([a]) => Pusher.users(u(a)),
  "Pusher.get": ([a, b]) => Pusher.get(u(a), u(b)),
  "Pusher.post": ([a, b, c]) => Pusher.post(u(a), b, u(c)),
  "Pusher.authorizeChannel": ([a, b, c]) => Pusher.authorizeChannel(u(a), u(b), u(c)),
  "Pusher.authenticateUser": ([a, b]) => Pusher.authenticateUser(u(a), u(b)),
  "PusherConfig.decodeMasterKey": ([a, b]) => PusherConfig.decodeMasterKey(u(a), u(b)),
  "PusherConfig.validate": ([a]) => PusherConfig.validate(u(a)),
  "PusherConfig.make": ([a]) => PusherConfig.make(u(a)),
  "PusherConfig.layer": ([a]) => PusherConfig.layer(u(a)),
  "PusherConfig.optionsFromUrl": ([a, b]) => PusherConfig.optionsFromUrl(u(a), u(b)),
  "PusherConfig.layerFromUrl": ([a, b]) => PusherConfig.layerFromUrl(u(a), u(b)),
  "PusherConfig.layerConfig": () => PusherConfig.layerConfig(),
  "PusherCrypto.layer": ([a]) => Core.PusherCrypto.layer(u(a)),
  "PusherError.isPusherError": ([a]) => Core.PusherError.isPusherError(a),
  "PusherHttpClient.deadline": () => Core.PusherHttpClient.deadline(HttpClient.make(() => Effect.never)),
  // A deadline that breaks the timeout's rule marks nothing true (operations then fail with a ValidationError).
  "PusherHttpClient.withDeadline": ([a]) =>
    Effect.sync(() => Core.PusherHttpClient.withDeadline(HttpClient.make(() => Effect.never), u(a))),
  "PusherHttpClient.withMaxResponseBytes": ([a]) =>
    Effect.sync(() => Core.PusherHttpClient.withMaxResponseBytes(HttpClient.make(() => Effect.never), u(a))),
  "PusherHttpClient.maxResponseBytes": ([a]) => Effect.sync(() => Core.PusherHttpClient.maxResponseBytes(u(a))),
  "PusherBatching.layer": ([a]) => PusherBatching.layer(u(a)),
  "PusherRetry.layer": ([a]) => Core.PusherRetry.layer(u(a)),
  "PusherRetry.withPolicy": ([a]) => Core.PusherRetry.withPolicy(Effect.void, u(a)),
  "PusherTest.make": ([a]) => PusherTest.make(u(a)),
  "PusherTest.layer": ([a]) => PusherTest.layer(u(a)),
  "PusherTest.toHttpApp": () =>
    Effect.flatMap(
      PusherTest.PusherTest,
      (service) => Effect.succeed(PusherTest.toHttpApp(service, () => Effect.die("unused")))
    ),
  "AuthRequest.decodeChannel": ([a]) => AuthRequest.decodeChannel(u(a)),
  "AuthRequest.decodeUser": ([a]) => AuthRequest.decodeUser(u(a)),
  "AuthRequest.authorizeChannel": ([a, b]) => AuthRequest.authorizeChannel(u(a), u(b)),
  "AuthRequest.authenticateUser": ([a, b]) => AuthRequest.authenticateUser(u(a), u(b)),
  "Webhook.verify": ([a, b]) => Webhook.verify(u(a), u(b)),
  "Webhook.events": () => Webhook.events({ events: [] }),
  "Webhook.receive": ([a, b]) => Webhook.receive(Stream.make(u(a)), u(b)),
  "Webhook.clientEvent": ([a, b]) => Webhook.clientEvent(u(a), Core.PusherError.ValidationError).decode(u(b)),
  "Webhook.clientEvents": ([a, b, c]) =>
    Webhook.clientEvents(Stream.make(u(a)), u(b), Core.PusherError.ValidationError, u(c)),
  "PusherEndpoints.deny": ([a]) => PusherEndpoints.deny(u(a)),
  "PusherEndpoints.allowPresence": ([a]) => PusherEndpoints.allowPresence(u(a)),
  "PusherEndpoints.channelAuthorization": ([a, b]) =>
    Effect.provideService(
      PusherEndpoints.channelAuthorization(authorize, u(a)),
      HttpServerRequest.HttpServerRequest,
      webRequest(b)
    ),
  "PusherEndpoints.userAuthentication": ([a, b]) =>
    Effect.provideService(
      PusherEndpoints.userAuthentication(() => Effect.succeed({ id: "a" }), u(a)),
      HttpServerRequest.HttpServerRequest,
      webRequest(b)
    ),
  // It maps this library's own error (not caller input) to a status.
  "PusherEndpoints.webhookErrorStatus": () =>
    PusherEndpoints.webhookErrorStatus(new Core.PusherError.WebhookError({ reason: "Expired", description: "" })),
  "PusherEndpoints.webhook": ([a, b]) =>
    Effect.provideService(
      PusherEndpoints.webhook(() => Effect.void, u(a)),
      HttpServerRequest.HttpServerRequest,
      webRequest(b)
    ),
  "PusherEndpoints.webhookStream": ([a]) => Effect.asVoid(PusherEndpoints.webhookStream(u(a))),
  "PusherEndpoints.router": ([a]) =>
    Effect.succeed(PusherEndpoints.router({ authorizeChannel: authorize, webhookOptions: u(a), authOptions: u(a) })),
  "NodePusher.layer": ([a, b]) => NodePusher.layer(u(a), u(b)),
  "NodePusher.layerConfig": ([a]) => NodePusher.layerConfig(undefined, u(a)),
  "NodePusher.layerWithoutHttpClient": ([a]) => NodePusher.layerWithoutHttpClient(u(a)),
  "NodePusher.layerConfigWithoutHttpClient": () => NodePusher.layerConfigWithoutHttpClient(),
  "NodePusherHttpClient.makeWithDispatcher": ([a]) => NodePusherHttpClient.makeWithDispatcher(u({}), u(a)),
  "NodePusherHttpClient.make": ([a]) => NodePusherHttpClient.make(u(a)),
  "NodePusherHttpClient.layer": ([a]) => NodePusherHttpClient.layer(u(a)),
  "NodePusherTest.serveService": ([a]) =>
    Effect.flatMap(PusherTest.PusherTest, (service) => NodePusherTest.serveService(service, u(a))),
  "NodePusherTest.serve": ([a]) => NodePusherTest.serve(u(a)),
  "NodePusherTest.layer": ([a]) => NodePusherTest.layer(u(a)),
  "NodePusherEndpoints.makeHandler": ([a]) =>
    NodePusherEndpoints.makeHandler(PusherEndpoints.webhook(() => Effect.void), u(a)),
  "NodePusherEndpoints.toHandler": ([a]) =>
    Effect.sync(() =>
      NodePusherEndpoints.toHandler(PusherEndpoints.webhook(() => Effect.void), PusherTest.layer(), u(a))
    )
      .pipe(Effect.flatMap(({ dispose }) => Effect.promise(dispose)))
}

/** Exports that are not called here, and why. */
const notCalled: Record<string, string> = {
  "PusherCrypto.pooledRandomBytes": "takes the platform's fill function (a primitive), not caller input"
}

// Schemas, tags and error classes are functions too; they are values, not operations.
const isOperation = (value: unknown): boolean =>
  typeof value === "function" && !/^class\b/.test(Function.prototype.toString.call(value)) &&
  !("ast" in value) && !("key" in value) && !("_tag" in value)

const operations = Object.entries({ ...Core, ...PlatformNode }).flatMap(([module, exports]) =>
  Object.entries(exports).filter(([, value]) => isOperation(value)).map(([name]) => `${module}.${name}`)
)

// Answers that are not plain values are run: an Effect, a Layer (built), a Stream (drained).
const run = (answer: unknown): Effect.Effect<unknown, unknown, unknown> => {
  if (Effect.isEffect(answer)) return answer
  if (Layer.isLayer(answer)) return Layer.build(answer)
  if (Stream.isStream(answer)) return Stream.runDrain(answer)
  return Effect.void
}

const fakeClient = Layer.succeed(
  HttpClient.HttpClient,
  HttpClient.make((request) => Effect.succeed(HttpClientResponse.fromWeb(request, new Response("{}", { status: 200 }))))
)

describe("hostile values over every public function and constructor", () => {
  it("every export has a way to be called", () => {
    const missing = operations.filter((name) => !(name in calls) && !(name in notCalled))
    expect(missing).toEqual([])
    expect(operations.length).toBeGreaterThan(50)
  })

  it("0 synchronous throws, 0 defects", { timeout: 60_000 }, async () => {
    const runtime = ManagedRuntime.make(
      Layer.mergeAll(PusherTest.layer(validOptions), fakeClient, PlatformNode.NodePusherCrypto.layer)
    )
    const throws: Array<string> = []
    const defects: Array<string> = []
    try {
      for (const [name, call] of Object.entries(calls)) {
        await fc.assert(
          fc.asyncProperty(args, async (recipes) => {
            let answer: unknown
            try {
              answer = call([make(recipes[0]), make(recipes[1]), make(recipes[2]), make(recipes[3])])
            } catch (error) {
              throws.push(`${name}: ${error instanceof Error ? error.message : "a non-Error"}`)
              return
            }
            const exit = await runtime.runPromiseExit(
              Effect.scoped(Effect.timeout(Effect.suspend(() => run(answer)), "5 seconds")) as Effect.Effect<
                unknown,
                unknown,
                never
              >
            )
            if (Exit.isFailure(exit) && Cause.hasDies(exit.cause)) {
              defects.push(`${name}: ${Cause.pretty(exit.cause).split("\n")[0]?.slice(0, 200)}`)
            }
          }),
          { numRuns: 25 }
        )
      }
    } finally {
      await runtime.dispose()
    }
    // One line per function and message, so a failure reads as a list of what to fix.
    expect([...new Set(throws)]).toEqual([])
    expect([...new Set(defects)]).toEqual([])
  })
})

// A duration is decoded by looking into the value: a Proxy whose traps throw must be an invalid option (found by
// the property above once: `NodePusherHttpClient.make({ timeout: proxy })` died).
describe("a duration option that throws when inspected", () => {
  const proxy = new Proxy({}, { get: boom, has: boom, ownKeys: boom, getPrototypeOf: boom })
  const failsTyped = async (effect: Effect.Effect<unknown, unknown, Scope.Scope>, expected: object) => {
    const exit = await Effect.runPromiseExit(Effect.scoped(effect))
    expect(exit._tag).toBe("Failure")
    if (exit._tag === "Failure") {
      expect(Cause.hasDies(exit.cause)).toBe(false)
      expect(Cause.squash(exit.cause)).toMatchObject(expected)
    }
  }

  it("fails as invalid, never dies", async () => {
    const invalidData = { _tag: "ConfigError" }
    const validation = { _tag: "ValidationError" }
    await failsTyped(NodePusherHttpClient.make({ timeout: proxy as never }), invalidData)
    await failsTyped(PusherConfig.make({ ...validOptions, timeout: proxy as never }), invalidData)
    await failsTyped(
      Effect.provide(Layer.build(PusherBatching.layer({ maxWait: proxy as never })), PusherTest.layer()),
      validation
    )
    await failsTyped(
      Effect.provide(Webhook.verify({ headers: {}, body: "" }, { maxAge: proxy as never }), PusherTest.layer()),
      validation
    )
  })
})
