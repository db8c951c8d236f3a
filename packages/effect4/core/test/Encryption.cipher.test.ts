import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import nacl from "tweetnacl"
import { cipher } from "../src/internal/cipher.js"

// The cipher moved from tweetnacl (what pusher-js and pusher-http-node use) to @noble/ciphers: the same
// secretbox, byte for byte, on many inputs, both ways, and the same refusals.
const bytes = (length: number) => fc.uint8Array({ minLength: length, maxLength: length })
const message = fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ minLength: 64, maxLength: 4096 }))

describe("the @noble/ciphers secretbox", () => {
  it("seals exactly as tweetnacl's secretbox, and each opens the other's box", () => {
    fc.assert(
      fc.property(bytes(32), bytes(24), message, (key, nonce, plain) => {
        const ours = cipher.seal(plain, nonce, key)
        const official = nacl.secretbox(plain, nonce, key)
        expect(ours).toEqual(official)
        expect(cipher.open(official, nonce, key)).toEqual(plain)
        expect(nacl.secretbox.open(ours, nonce, key)).toEqual(plain)
      }),
      { numRuns: 500 }
    )
  })

  it("refuses what tweetnacl refuses: a changed byte, the wrong key or nonce, a box shorter than its tag", () => {
    fc.assert(
      fc.property(bytes(32), bytes(24), message, fc.nat(), (key, nonce, plain, at) => {
        const box = nacl.secretbox(plain, nonce, key)
        const changed = box.map((b, i) => (i === at % box.length ? b ^ 1 : b))
        const otherKey = key.map((b, i) => (i === 0 ? b ^ 1 : b))
        const otherNonce = nonce.map((b, i) => (i === 23 ? b ^ 1 : b))
        for (const [b, n, k] of [[changed, nonce, key], [box, nonce, otherKey], [box, otherNonce, key]] as const) {
          expect(nacl.secretbox.open(b, n, k)).toBeNull()
          expect(cipher.open(b, n, k)).toBeNull()
        }
      }),
      { numRuns: 300 }
    )
    const key = new Uint8Array(32)
    const nonce = new Uint8Array(24)
    for (const length of [0, 1, 15]) {
      expect(nacl.secretbox.open(new Uint8Array(length), nonce, key)).toBeNull()
      expect(cipher.open(new Uint8Array(length), nonce, key)).toBeNull()
    }
  })
})
