import { describe, expect, it } from "@effect/vitest"
import * as fc from "fast-check"
import * as NodeCrypto from "node:crypto"
import * as HmacSha256 from "../src/HmacSha256.js"

// Node's implementation is the reference: every answer here is compared with it.
const reference = (key: string) => (message: string) =>
  NodeCrypto.createHmac("sha256", key).update(message, "utf8").digest("hex")

/** A signer whose long path is node's, counting the messages it was handed. */
const counted = (key: string) => {
  const calls: Array<string> = []
  const long = reference(key)
  const sign = HmacSha256.prepare(key, (message) => {
    calls.push(message)
    return long(message)
  })
  return { sign, calls }
}

const ascii = (length: number, seed = 0) =>
  Array.from({ length }, (_, i) => String.fromCharCode(32 + ((i * 7 + seed) % 95))).join("")

describe("HmacSha256", () => {
  it("matches RFC 4231 test case 2", () => {
    const sign = HmacSha256.prepare("Jefe", () => "long")
    expect(sign("what do ya want for nothing?")).toBe(
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    )
  })

  it("matches node at every length around the block boundaries, short ones signed here", () => {
    const { calls, sign } = counted("bench-secret")
    const expected = reference("bench-secret")
    for (let length = 0; length <= 260; length++) {
      const message = ascii(length, length)
      expect(sign(message), `length ${length}`).toBe(expected(message))
    }
    // 0..183 bytes (three blocks after the key's pad) here, 184..260 handed to the long path.
    expect(HmacSha256.shortMessageBytes).toBe(183)
    expect(calls.map((message) => message.length)).toEqual(Array.from({ length: 77 }, (_, i) => 184 + i))
  })

  it("measures the limit in UTF-8 bytes, not UTF-16 units", () => {
    const { calls, sign } = counted("k")
    const expected = reference("k")
    // 62 × "€" is 62 units but 186 bytes: over; 61 are 183 bytes, the limit.
    for (const message of ["€".repeat(61), "€".repeat(62), "é".repeat(91), "é".repeat(92), "😀".repeat(45)]) {
      expect(sign(message)).toBe(expected(message))
    }
    expect(calls).toEqual(["€".repeat(62), "é".repeat(92)])
  })

  it("encodes a lone surrogate as U+FFFD, as node does", () => {
    const sign = HmacSha256.prepare("k", () => "long")
    for (const message of ["\ud800", "a\udc00b", "\ud83d", "x\ud800\ud800y"]) {
      expect(sign(message)).toBe(reference("k")(message))
    }
  })

  it("takes keys of any length (longer than a block: hashed first)", () => {
    for (const key of ["", "k", "x".repeat(63), "x".repeat(64), "y".repeat(65), "k€y".repeat(30)]) {
      const sign = HmacSha256.prepare(key, reference(key))
      for (const message of ["", "a", ascii(55), ascii(56), ascii(64), ascii(119), ascii(183), ascii(1000)]) {
        expect(sign(message), `key ${key.length}, message ${message.length}`).toBe(reference(key)(message))
      }
    }
  })

  // Both compressions: the one every runtime gets and the unrolled one NodePusherCrypto uses.
  for (
    const [name, prepare, numRuns] of [
      ["prepare", HmacSha256.prepare, 2000],
      ["prepareUnrolled", HmacSha256.prepareUnrolled, 1000]
    ] as const
  ) {
    it(`${name} matches node on any key and message`, () => {
      fc.assert(
        fc.property(
          fc.string({ unit: "binary", maxLength: 100 }),
          fc.string({ unit: "binary", maxLength: 260 }),
          (key, message) => {
            expect(prepare(key, reference(key))(message)).toBe(reference(key)(message))
          }
        ),
        { numRuns }
      )
    })
  }

  it("keeps no state between messages", () => {
    const sign = HmacSha256.prepare("k", reference("k"))
    const messages = [ascii(100), "a", ascii(119, 3), "", ascii(56)]
    const first = messages.map(sign)
    expect(messages.map(sign)).toEqual(first)
    expect(first).toEqual(messages.map(reference("k")))
  })

  it("hashes bytes with SHA-256 as node does", () => {
    for (const length of [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000, 100_000]) {
      const data = Uint8Array.from({ length }, (_, i) => (i * 31 + length) & 255)
      expect(Buffer.from(HmacSha256.sha256(data)).toString("hex"), `length ${length}`).toBe(
        NodeCrypto.hash("sha256", data, "hex")
      )
    }
  })
})

describe("HmacSha256 without a long path", () => {
  it("signs messages of any length here, as node does", () => {
    for (const key of ["k", "y".repeat(65)]) {
      const sign = HmacSha256.prepare(key)
      for (const length of [0, 119, 120, 183, 184, 1000, 70_000]) {
        const message = ascii(length, length)
        expect(sign(message), `key ${key.length}, length ${length}`).toBe(reference(key)(message))
      }
      expect(sign("€".repeat(500))).toBe(reference(key)("€".repeat(500)))
    }
  })
})

describe("HmacSha256.prepareUnrolled", () => {
  it("matches node at every length, on keys of any length, short messages signed here", () => {
    for (const key of ["", "k", "bench-secret", "x".repeat(64), "y".repeat(65)]) {
      const calls: Array<string> = []
      const sign = HmacSha256.prepareUnrolled(key, (message) => {
        calls.push(message)
        return reference(key)(message)
      })
      for (let length = 0; length <= 260; length++) {
        const message = ascii(length, length)
        expect(sign(message), `key ${key.length}, length ${length}`).toBe(reference(key)(message))
      }
      expect(calls.length).toBe(260 - HmacSha256.shortMessageBytes)
    }
  })
})
