import { PusherCrypto } from "@effect-pusher/core"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import fc from "fast-check"
import * as NodeCrypto from "node:crypto"

const { portable } = PusherCrypto

const hmac = (key: string, message: string) =>
  NodeCrypto.createHmac("sha256", Buffer.from(key, "utf8")).update(message, "utf8").digest("hex")

describe("PusherCrypto.portable", () => {
  it("has the known answers of RFC 4231, RFC 1321 and FIPS 180-2", () => {
    expect(portable.hmacSha256Hex("key")("The quick brown fox jumps over the lazy dog")).toBe(
      "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
    )
    expect(portable.hmacSha256Hex("Jefe")("what do ya want for nothing?")).toBe(
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    )
    expect(portable.md5Hex("")).toBe("d41d8cd98f00b204e9800998ecf8427e")
    expect(portable.md5Hex("example body")).toBe("165d5e6d7ca8f73b3853ce45addf42fc")
    expect(Buffer.from(portable.sha256(new TextEncoder().encode("abc"))).toString("hex")).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )
  })

  it("agrees with node:crypto on hmac, md5 and sha256 for any input (fast-check)", () => {
    const text = fc.oneof(fc.string({ unit: "binary", maxLength: 200 }), fc.string({ maxLength: 200 }))
    fc.assert(
      fc.property(
        text.filter((k) => k.length > 0),
        text,
        fc.uint8Array({ maxLength: 300 }),
        (key, message, bytes) => {
          expect(portable.hmacSha256Hex(key)(message)).toBe(hmac(key, message))
          expect(portable.md5Hex(message)).toBe(NodeCrypto.createHash("md5").update(message, "utf8").digest("hex"))
          expect(Buffer.from(portable.sha256(bytes)).toString("hex")).toBe(
            NodeCrypto.createHash("sha256").update(bytes).digest("hex")
          )
        }
      ),
      { numRuns: 300 }
    )
  })

  it("a prepared HMAC key signs many messages independently", () => {
    const sign = portable.hmacSha256Hex("tofu")
    const messages = ["a", "b", "", "a", "é".repeat(100)]
    expect(messages.map(sign)).toEqual(messages.map((m) => hmac("tofu", m)))
    // A key longer than the block size is hashed first.
    const long = "k".repeat(200)
    expect(portable.hmacSha256Hex(long)("m")).toBe(hmac(long, "m"))
  })

  it("timingSafeEqual is string equality", () => {
    const cases: ReadonlyArray<readonly [string, string]> = [
      ["", ""],
      ["abc", "abc"],
      ["abc", "abd"],
      ["abc", "ab"],
      ["", "a"],
      ["é", "e\u0301"],
      ["\ud800", "\udc00"],
      ["\ud800", "\ufffd"],
      ["a".repeat(64), "a".repeat(63) + "b"],
      ["b" + "a".repeat(63), "a".repeat(64)]
    ]
    for (const [a, b] of cases) {
      expect([a, b, portable.timingSafeEqual(a, b)]).toEqual([a, b, a === b])
      expect(portable.timingSafeEqual(b, a)).toBe(a === b)
    }
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), fc.string({ unit: "binary" }), (a, b) => {
        expect(portable.timingSafeEqual(a, b)).toBe(a === b)
        expect(portable.timingSafeEqual(a, a)).toBe(true)
      })
    )
  })

  it("randomBytes returns the requested size, past getRandomValues' 65,536-byte limit too", () => {
    for (const size of [0, 1, 24, 32, 65535, 65536, 65537, 200_000]) {
      const bytes = portable.randomBytes(size)
      expect(bytes).toBeInstanceOf(Uint8Array)
      expect(bytes.length).toBe(size)
    }
    // Every 64 KiB chunk is filled: no chunk of a large draw stays all zeros.
    const large = portable.randomBytes(3 * 65536 + 100)
    for (let offset = 0; offset < large.length; offset += 65536) {
      const chunk = large.subarray(offset, Math.min(large.length, offset + 65536))
      expect(chunk.some((b) => b !== 0)).toBe(true)
    }
    const tail = large.subarray(3 * 65536)
    expect(tail.some((b) => b !== 0)).toBe(true)
  })

  it("small draws never repeat or share bytes, across refills of the pool (fast-check)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 200 }), (sizes) => {
        const draws = sizes.map((size) => portable.randomBytes(size))
        expect(draws.map((d) => d.length)).toEqual(sizes)
        const seen = new Set<string>()
        for (const draw of draws) {
          if (draw.length < 16) continue
          const hex = Buffer.from(draw).toString("hex")
          expect(seen.has(hex)).toBe(false)
          seen.add(hex)
        }
        // A draw is the caller's own copy: changing it changes no later draw.
        draws[0]!.fill(0xab)
        const next = portable.randomBytes(sizes[0]!)
        if (next.length >= 16) expect(next.every((b) => b === 0xab)).toBe(false)
      }),
      { numRuns: 50 }
    )
    // 2,000 nonces cross many 4 KiB blocks; no two are equal and their bytes look uniform.
    const nonces = Array.from({ length: 2000 }, () => Buffer.from(portable.randomBytes(24)).toString("hex"))
    expect(new Set(nonces).size).toBe(2000)
    const bytes = Buffer.from(nonces.join(""), "hex")
    const mean = bytes.reduce((sum, b) => sum + b, 0) / bytes.length
    expect(Math.abs(mean - 127.5)).toBeLessThan(3)
  })

  it("randomBytes draws fresh values each time", () => {
    const seen = new Set<string>()
    for (let i = 0; i < 50; i++) seen.add(Buffer.from(portable.randomBytes(24)).toString("hex"))
    expect(seen.size).toBe(50)
    // Byte values look uniform: all 256 values appear in 64 KiB (failure chance ~256·e^-256).
    const values = new Set(portable.randomBytes(65536))
    expect(values.size).toBe(256)
  })
})

describe("PusherCrypto service", () => {
  it.effect("defaults to the portable implementation", () =>
    Effect.gen(function*() {
      expect(yield* PusherCrypto.current).toBe(portable)
    }))

  it.effect("layer replaces it", () => {
    const custom: PusherCrypto.Service = { ...portable, randomBytes: (n) => new Uint8Array(n).fill(7) }
    return Effect.gen(function*() {
      const crypto = yield* PusherCrypto.current
      expect(crypto).toBe(custom)
      expect(crypto.randomBytes(3)).toEqual(new Uint8Array([7, 7, 7]))
    }).pipe(Effect.provide(PusherCrypto.layer(custom)))
  })
})
