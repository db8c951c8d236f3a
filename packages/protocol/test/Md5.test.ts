import { describe, expect, it } from "@effect/vitest"
import * as fc from "fast-check"
import * as NodeCrypto from "node:crypto"
import * as Md5 from "../src/Md5.js"

// Node's implementation is the reference: every answer here is compared with it.
const reference = (message: string) => NodeCrypto.hash("md5", message, "hex")

const ascii = (length: number, seed = 0) =>
  Array.from({ length }, (_, i) => String.fromCharCode(32 + ((i * 7 + seed) % 95))).join("")

describe("Md5", () => {
  it("matches the test suite of RFC 1321 §A.5", () => {
    expect(Md5.md5Hex("")).toBe("d41d8cd98f00b204e9800998ecf8427e")
    expect(Md5.md5Hex("a")).toBe("0cc175b9c0f1b6a831c399e269772661")
    expect(Md5.md5Hex("abc")).toBe("900150983cd24fb0d6963f7d28e17f72")
    expect(Md5.md5Hex("message digest")).toBe("f96b697d7cb7938d525a2f31aaf161d0")
    expect(Md5.md5Hex("abcdefghijklmnopqrstuvwxyz")).toBe("c3fcd3d76192e4007dfb496cca67e13b")
    expect(Md5.md5Hex("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")).toBe(
      "d174ab98d277d9f5a5611c2c9f419d9f"
    )
    expect(Md5.md5Hex("1234567890".repeat(8))).toBe("57edf4a22be3c955ac49da2e2107b67a")
  })

  it("matches node at every length from 0 to 200, across the block boundaries", () => {
    for (let length = 0; length <= 200; length++) {
      const message = ascii(length, length)
      expect(Md5.md5Hex(message), `length ${length}`).toBe(reference(message))
    }
  })

  it("counts the padding in UTF-8 bytes around the boundaries (55, 56, 63, 64 bytes)", () => {
    // "é" is 2 bytes and "€" 3: each message ends one byte either side of a boundary.
    for (const bytes of [55, 56, 57, 63, 64, 65, 119, 120, 121, 127, 128, 129]) {
      for (
        const message of [
          "é".repeat(bytes >> 1) + "x".repeat(bytes & 1),
          "€".repeat(Math.floor(bytes / 3)) + "y".repeat(bytes % 3)
        ]
      ) {
        expect(new TextEncoder().encode(message).length).toBe(bytes)
        expect(Md5.md5Hex(message), `${bytes} bytes`).toBe(reference(message))
      }
    }
  })

  it("hashes multi-byte text as its UTF-8 bytes", () => {
    for (const message of ["é", "€", "😀", "日本語のテキスト", "mixed ascii, é, €, 😀 and 日本", "😀".repeat(100)]) {
      expect(Md5.md5Hex(message)).toBe(reference(message))
    }
  })

  it("encodes a lone surrogate as U+FFFD, as node does", () => {
    for (const message of ["\ud800", "a\udc00b", "\ud83d", "x\ud800\ud800y", "\udfff".repeat(30)]) {
      expect(Md5.md5Hex(message)).toBe(reference(message))
      expect(Md5.md5Hex(message)).toBe(reference(message.replace(/[\ud800-\udfff]/g, "\ufffd")))
    }
  })

  it("hashes long messages, beyond the shared buffer too", () => {
    // The longest ASCII message hashed in the shared buffer, then one unit longer.
    const longestShared = Math.floor((Md5.scratchBytes - 72) / 3)
    for (const length of [1000, 10_240, longestShared, longestShared + 1, 100_000, 300_000]) {
      const message = ascii(length, 3)
      expect(Md5.md5Hex(message), `length ${length}`).toBe(reference(message))
    }
    expect(Md5.md5Hex("€".repeat(50_000))).toBe(reference("€".repeat(50_000)))
  })

  it("keeps no state between messages", () => {
    const messages = [ascii(1000), "a", ascii(119, 3), "", ascii(56), ascii(100_000), "b"]
    const first = messages.map(Md5.md5Hex)
    expect(messages.map(Md5.md5Hex)).toEqual(first)
    expect(first).toEqual(messages.map(reference))
  })

  it("matches node on any string", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 300 }), (message) => {
        expect(Md5.md5Hex(message)).toBe(reference(message))
      }),
      { numRuns: 2000 }
    )
  })
})
