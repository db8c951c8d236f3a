/**
 * node:crypto implementations of the `PusherCrypto` primitives: HMAC with a pre-built key object, MD5,
 * SHA-256, `timingSafeEqual` and the system random source.
 *
 * @since 0.1.0
 */
import * as PusherCrypto from "@effect-pusher/core/PusherCrypto"
import type * as Layer from "effect/Layer"
import * as NodeCrypto from "node:crypto"

// Small draws (24-byte nonces) come from a 4 KiB block of system randomness, a call to the system source
// costing several times a nonce's share of a block; each byte is handed out once and wiped as it goes.
const poolSize = 4096
const maxPooledDraw = 256
let pool: Uint8Array = new Uint8Array(0)
let poolOffset = 0

/**
 * @since 0.1.0
 * @category constructors
 */
export const service: PusherCrypto.Service = {
  hmacSha256Hex: (key) => {
    const keyObject = NodeCrypto.createSecretKey(Buffer.from(key, "utf8"))
    return (message) => NodeCrypto.createHmac("sha256", keyObject).update(message, "utf8").digest("hex")
  },
  md5Hex: (message) => NodeCrypto.createHash("md5").update(message, "utf8").digest("hex"),
  sha256: (data) => {
    const digest = NodeCrypto.createHash("sha256").update(data).digest()
    return new Uint8Array(digest.buffer, digest.byteOffset, digest.byteLength)
  },
  randomBytes: (size) => {
    if (size > maxPooledDraw) return NodeCrypto.randomFillSync(new Uint8Array(size))
    if (poolOffset + size > pool.length) {
      pool = NodeCrypto.randomFillSync(new Uint8Array(poolSize))
      poolOffset = 0
    }
    const bytes = pool.slice(poolOffset, poolOffset + size)
    pool.fill(0, poolOffset, poolOffset + size)
    poolOffset += size
    return bytes
  },
  timingSafeEqual: (a, b) => {
    if (a.length !== b.length) return false
    // UTF-16 code units, not UTF-8: UTF-8 turns every lone surrogate into U+FFFD, so distinct strings
    // would compare equal.
    return NodeCrypto.timingSafeEqual(Buffer.from(a, "utf16le"), Buffer.from(b, "utf16le"))
  }
}

/**
 * Provides the node:crypto primitives to every effect-pusher operation.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<PusherCrypto.PusherCrypto> = PusherCrypto.layer(service)
