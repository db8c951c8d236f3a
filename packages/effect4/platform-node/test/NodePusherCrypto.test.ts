import { Pusher, PusherConfig, PusherCrypto } from "@effect-pusher/core"
import { NodePusherCrypto } from "@effect-pusher/platform-node"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/testing/TestClock"
import fc from "fast-check"
import { createHmac } from "node:crypto"
import nacl from "tweetnacl"

const node = NodePusherCrypto.service
const { portable } = PusherCrypto

const text = fc.oneof(fc.string({ unit: "binary", maxLength: 200 }), fc.string({ maxLength: 200 }))

describe("NodePusherCrypto.service", () => {
  it("agrees with the portable implementation on hmac, md5 and sha256 (fast-check)", () => {
    fc.assert(
      fc.property(text.filter((k) => k.length > 0), text, fc.uint8Array({ maxLength: 300 }), (key, message, bytes) => {
        expect(node.hmacSha256Hex(key)(message)).toBe(portable.hmacSha256Hex(key)(message))
        expect(node.md5Hex(message)).toBe(portable.md5Hex(message))
        expect(node.sha256(bytes)).toEqual(portable.sha256(bytes))
      }),
      { numRuns: 300 }
    )
  })

  it("HMAC equals node's createHmac for keys past the block size and messages past the scratch buffer", () => {
    const reference = (key: string, message: string) =>
      createHmac("sha256", Buffer.from(key, "utf8")).update(message, "utf8").digest("hex")
    const keys = ["k", "x".repeat(64), "y".repeat(65), "ü".repeat(40), "🔑".repeat(30)]
    const messages = ["", "a", "é".repeat(5461), "é".repeat(5462), "a".repeat(5462), "\ud800lone", "z".repeat(70_000)]
    for (const key of keys) {
      const sign = node.hmacSha256Hex(key)
      for (const message of messages) expect(sign(message)).toBe(reference(key, message))
      // A long message in between leaves the short path intact.
      expect(sign("after")).toBe(reference(key, "after"))
    }
    fc.assert(
      fc.property(fc.string({ unit: "binary", minLength: 1, maxLength: 150 }), text, (key, message) => {
        expect(node.hmacSha256Hex(key)(message)).toBe(reference(key, message))
      }),
      { numRuns: 300 }
    )
  })

  it("has the known answers", () => {
    expect(node.hmacSha256Hex("Jefe")("what do ya want for nothing?")).toBe(
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    )
    expect(node.md5Hex("example body")).toBe("165d5e6d7ca8f73b3853ce45addf42fc")
    const digest = node.sha256(new TextEncoder().encode("abc"))
    expect(digest).toBeInstanceOf(Uint8Array)
    expect(digest.byteLength).toBe(32)
    expect(Buffer.from(digest).toString("hex")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
  })

  it("a prepared HMAC key signs many messages independently", () => {
    const sign = node.hmacSha256Hex("tofu")
    const messages = ["a", "b", "", "a", "é".repeat(100)]
    const reference = portable.hmacSha256Hex("tofu")
    expect(messages.map(sign)).toEqual(messages.map(reference))
  })

  it("timingSafeEqual is string equality, like the portable one", () => {
    const cases: ReadonlyArray<readonly [string, string]> = [
      ["", ""],
      ["abc", "abc"],
      ["abc", "abd"],
      ["abc", "ab"],
      ["é", "ab"],
      ["é", "e\u0301"],
      // Distinct lone surrogates, which UTF-8 would both turn into U+FFFD.
      ["\ud800", "\udc00"],
      ["\ud800", "\ufffd"],
      ["x\udfff", "x\udffe"]
    ]
    for (const [a, b] of cases) {
      expect([a, b, node.timingSafeEqual(a, b)]).toEqual([a, b, a === b])
      expect(node.timingSafeEqual(b, a)).toBe(portable.timingSafeEqual(b, a))
    }
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), fc.string({ unit: "binary" }), (a, b) => {
        expect(node.timingSafeEqual(a, b)).toBe(a === b)
        expect(node.timingSafeEqual(a, a)).toBe(true)
      })
    )
  })

  // The pool itself (PusherCrypto.pooledRandomBytes) is tested in core; here, that node's source feeds it.
  it("2,000 nonces across many refills are distinct and look uniform", () => {
    const nonces = Array.from({ length: 2000 }, () => Buffer.from(node.randomBytes(24)).toString("hex"))
    expect(new Set(nonces).size).toBe(2000)
    const bytes = Buffer.from(nonces.join(""), "hex")
    const mean = bytes.reduce((sum, b) => sum + b, 0) / bytes.length
    expect(Math.abs(mean - 127.5)).toBeLessThan(3)
  })

  it("randomBytes returns the requested size as a fresh Uint8Array", () => {
    for (const size of [0, 1, 24, 65536, 65537, 200_000]) {
      const bytes = node.randomBytes(size)
      expect(bytes).toBeInstanceOf(Uint8Array)
      expect(bytes.length).toBe(size)
    }
    const seen = new Set<string>()
    for (let i = 0; i < 50; i++) seen.add(Buffer.from(node.randomBytes(24)).toString("hex"))
    expect(seen.size).toBe(50)
    expect(new Set(node.randomBytes(65536)).size).toBe(256)
    const large = node.randomBytes(200_000)
    expect(large.subarray(150_000).some((b) => b !== 0)).toBe(true)
  })
})

describe("NodePusherCrypto.layer with the operations", () => {
  const masterKeyBase64 = "zyrm8pvV2C9fJcBfhyXzvxbJVN/H7QLmbe0xJi1GhPU="
  const config = PusherConfig.layer({
    appId: "1234",
    key: "f00d",
    secret: "tofu",
    encryptionMasterKeyBase64: masterKeyBase64
  })

  const record = () => {
    const requests: Array<{ url: string; body: string }> = []
    const client = HttpClient.make((request, url) =>
      Effect.sync(() => {
        const body = request.body._tag === "Uint8Array" ? new TextDecoder().decode(request.body.body) : ""
        requests.push({ url: url.toString(), body })
        return HttpClientResponse.fromWeb(request, new Response("{}", { status: 200 }))
      })
    )
    return { requests, layer: Layer.succeed(HttpClient.HttpClient, client) }
  }

  it.effect("signs exactly as the portable implementation does", () => {
    const portableRun = record()
    const nodeRun = record()
    const program = Effect.gen(function*() {
      yield* TestClock.setTime(1_700_000_000_000)
      yield* Pusher.trigger(["a", "b"], "e", { ünï: "cödé" })
      yield* Pusher.triggerBatch([{ channel: "a", name: "e", data: "x" }])
      return yield* Pusher.authorizeChannel("123.456", "private-encrypted-bla")
    })
    return Effect.gen(function*() {
      const viaPortable = yield* program.pipe(Effect.provide(Layer.merge(config, portableRun.layer)))
      const viaNode = yield* program.pipe(
        Effect.provide(Layer.mergeAll(config, nodeRun.layer, NodePusherCrypto.layer))
      )
      expect(nodeRun.requests).toEqual(portableRun.requests)
      expect(nodeRun.requests.length).toBe(2)
      expect(viaNode).toEqual(viaPortable)
      expect(viaNode.shared_secret).toBe("nlr49ISQHz91yS3cy/yWmW8wFMNeTnNL5tNHnbPJcLQ=")
    })
  })

  it.effect("seals encrypted events that tweetnacl opens with the shared secret", () => {
    const run = record()
    return Effect.gen(function*() {
      yield* Pusher.trigger("private-encrypted-bla", "e", { secret: true })
      const { shared_secret } = yield* Pusher.authorizeChannel("123.456", "private-encrypted-bla")
      const data = (JSON.parse(run.requests[0]!.body) as { data: string }).data
      const { ciphertext, nonce } = JSON.parse(data) as { nonce: string; ciphertext: string }
      const plain = nacl.secretbox.open(
        new Uint8Array(Buffer.from(ciphertext, "base64")),
        new Uint8Array(Buffer.from(nonce, "base64")),
        new Uint8Array(Buffer.from(shared_secret!, "base64"))
      )
      expect(plain).not.toBeNull()
      expect(new TextDecoder().decode(plain!)).toBe("{\"secret\":true}")
    }).pipe(Effect.provide(Layer.mergeAll(config, run.layer, NodePusherCrypto.layer)))
  })
})
