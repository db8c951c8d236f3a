import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import * as Encoding from "../src/Encoding.js"

const canonical = (bytes: Uint8Array): string => Buffer.from(bytes).toString("base64")
const standard = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

describe("base64Encode", () => {
  it("equals the canonical encoder for any bytes (fast-check)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(Encoding.base64Encode(bytes)).toBe(canonical(bytes))
      }),
      { numRuns: 500 }
    )
  })

  it("handles every length modulo 3 and every byte value", () => {
    const all = new Uint8Array(256).map((_, i) => i)
    for (let n = 0; n <= 256; n++) expect(Encoding.base64Encode(all.subarray(0, n))).toBe(canonical(all.subarray(0, n)))
  })
  it("encodes inputs longer than one string-building chunk", () => {
    for (const size of [6143, 6144, 6145, 6146, 20_000, 100_001]) {
      const bytes = new Uint8Array(size).map((_, i) => (i * 131 + (i >> 8)) & 255)
      expect(Encoding.base64Encode(bytes)).toBe(canonical(bytes))
      expect(Encoding.base64DecodeStrict(canonical(bytes))).toEqual(bytes)
    }
  })
})

describe("base64DecodeStrict", () => {
  it("decodes what the canonical encoder produces (fast-check round trip)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(Encoding.base64DecodeStrict(canonical(bytes))).toEqual(bytes)
      }),
      { numRuns: 500 }
    )
  })

  it("accepts a string exactly when the canonical encoder would produce it (fast-check)", () => {
    // Mostly base64 characters, with some padding, whitespace and url-safe characters mixed in.
    const char = fc.oneof(
      { weight: 20, arbitrary: fc.constantFrom(...standard) },
      { weight: 2, arbitrary: fc.constant("=") },
      { weight: 1, arbitrary: fc.constantFrom("-", "_", " ", "\n", "\t", ".", "é", "\u0000") }
    )
    const candidate = fc.oneof(
      fc.string({ unit: char, maxLength: 40 }),
      // Canonical strings with one character changed, removed or added.
      fc.tuple(fc.uint8Array({ maxLength: 30 }), fc.nat(), char, fc.constantFrom("replace", "delete", "insert")).map(
        ([bytes, at, c, edit]) => {
          const s = canonical(bytes)
          const i = s.length === 0 ? 0 : at % s.length
          return edit === "replace" ?
            s.slice(0, i) + c + s.slice(i + 1)
            : edit === "delete" ?
            s.slice(0, i) + s.slice(i + 1)
            : s.slice(0, i) + c + s.slice(i)
        }
      )
    )
    fc.assert(
      fc.property(candidate, (s) => {
        const decoded = Encoding.base64DecodeStrict(s)
        const lenientRoundTrip = canonical(Buffer.from(s, "base64"))
        if (decoded === undefined) expect(lenientRoundTrip).not.toBe(s)
        else {
          expect(canonical(decoded)).toBe(s)
          expect(Encoding.base64Encode(decoded)).toBe(s)
        }
      }),
      { numRuns: 2000 }
    )
  })

  it("rejects non-canonical padding bits", () => {
    expect(Encoding.base64DecodeStrict("AA==")).toEqual(new Uint8Array([0]))
    expect(Encoding.base64DecodeStrict("/w8=")).toEqual(new Uint8Array([255, 15]))
    for (const s of ["AB==", "AP==", "AAB=", "AAD=", "/w9=", "//9="]) {
      expect(Encoding.base64DecodeStrict(s)).toBeUndefined()
    }
    // The same bits set in the 32-byte master key's last group.
    expect(Encoding.base64DecodeStrict("zyrm8pvV2C9fJcBfhyXzvxbJVN/H7QLmbe0xJi1GhPU=")?.length).toBe(32)
    expect(Encoding.base64DecodeStrict("zyrm8pvV2C9fJcBfhyXzvxbJVN/H7QLmbe0xJi1GhPV=")).toBeUndefined()
  })

  it("rejects missing or misplaced padding", () => {
    for (const s of ["AA", "AAA", "A", "AA=", "A===", "====", "AA==AA==", "=AAA", "A=AA", "AA=A", "AAAA="]) {
      expect([s, Encoding.base64DecodeStrict(s)]).toEqual([s, undefined])
    }
    expect(Encoding.base64DecodeStrict("")).toEqual(new Uint8Array(0))
  })

  it("rejects whitespace and the url-safe alphabet", () => {
    for (const s of [" AAA", "AAA ", "AA\nAA==", "AAAA\n", "\tAAA", "-_-_", "AA-=", "_w==", "AAA\u0000"]) {
      expect([s, Encoding.base64DecodeStrict(s)]).toEqual([s, undefined])
    }
    // Characters whose code is the alphabet's plus 256 must not alias to it.
    expect(Encoding.base64DecodeStrict(String.fromCharCode(0x141) + "AAA")).toBeUndefined()
  })
})

describe("utf8", () => {
  // Any UTF-16 code unit sequence, lone surrogates included.
  const utf16 = fc.oneof(
    fc.string({ unit: "binary", maxLength: 60 }),
    fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 60 }).map((units) => String.fromCharCode(...units)),
    fc.array(fc.integer({ min: 0xd7ff, max: 0xe000 }), { maxLength: 10 }).map((units) => String.fromCharCode(...units))
  )

  it("utf8Length equals TextEncoder's byte length for any string (fast-check)", () => {
    const encoder = new TextEncoder()
    fc.assert(
      fc.property(utf16, (s) => {
        expect(Encoding.utf8Length(s)).toBe(encoder.encode(s).length)
      }),
      { numRuns: 1000 }
    )
  })

  it("utf8Length counts lone and paired surrogates at the string's edges", () => {
    const cases: ReadonlyArray<readonly [string, number]> = [
      ["", 0],
      ["a", 1],
      ["\u007f", 1],
      ["\u0080", 2],
      ["\u07ff", 2],
      ["\u0800", 3],
      ["\uffff", 3],
      ["\ud83c\udf0d", 4],
      ["\ud83c", 3],
      ["\udf0d", 3],
      ["\udf0d\ud83c", 6],
      ["a\ud83c", 4],
      ["\ud83c\ud83c\udf0d", 7]
    ]
    for (const [s, n] of cases) {
      expect([s, Encoding.utf8Length(s)]).toEqual([s, n])
      expect(Buffer.byteLength(s, "utf8")).toBe(n)
    }
  })

  it("utf8Encode matches Buffer and utf8DecodeStrict inverts it for well-formed strings (fast-check)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 40 }), (s) => {
        const bytes = Encoding.utf8Encode(s)
        expect(Buffer.from(bytes).equals(Buffer.from(s, "utf8"))).toBe(true)
        expect(Encoding.utf8DecodeStrict(bytes)).toBe(s)
      }),
      { numRuns: 300 }
    )
  })

  it("utf8Prefix is the longest start within the byte budget, never splitting a pair (fast-check)", () => {
    fc.assert(
      fc.property(utf16, fc.integer({ min: 0, max: 200 }), (s, max) => {
        const prefix = Encoding.utf8Prefix(s, max)
        expect(s.startsWith(prefix)).toBe(true)
        expect(Encoding.utf8Length(prefix)).toBeLessThanOrEqual(max)
        if (prefix.length < s.length) {
          // One more code point would not fit, and the cut is not inside a surrogate pair.
          const code = s.codePointAt(prefix.length) ?? 0
          const next = s.slice(0, prefix.length + (code > 0xffff ? 2 : 1))
          expect(Encoding.utf8Length(next)).toBeGreaterThan(max)
        }
      }),
      { numRuns: 1000 }
    )
    expect(Encoding.utf8Prefix("a\ud83c\udf0d", 4)).toBe("a")
    expect(Encoding.utf8Prefix("a\ud83c\udf0d", 5)).toBe("a\ud83c\udf0d")
    expect(Encoding.utf8Prefix("é".repeat(10), 5)).toBe("éé")
  })

  it("utf8DecodeStrict refuses malformed UTF-8", () => {
    for (const bytes of [[0xff], [0xc3], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf8, 0x88, 0x80, 0x80, 0x80]]) {
      expect(Encoding.utf8DecodeStrict(new Uint8Array(bytes))).toBeUndefined()
    }
  })
})

describe("concatBytes", () => {
  it("joins the first `size` bytes of any split of a body (fast-check)", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 20 }), { maxLength: 8 }), fc.nat(200), (chunks, cut) => {
        const whole = Uint8Array.from(chunks.flatMap((chunk) => [...chunk]))
        const size = Math.min(cut, whole.length)
        expect([...Encoding.concatBytes(chunks, size)]).toStrictEqual([...whole.subarray(0, size)])
      }),
      { numRuns: 300 }
    )
  })

  it("hands back a single chunk of the whole size without copying it", () => {
    const chunk = new Uint8Array([1, 2, 3])
    expect(Encoding.concatBytes([chunk], 3)).toBe(chunk)
    expect(Encoding.concatBytes([chunk], 2)).not.toBe(chunk)
  })
})
