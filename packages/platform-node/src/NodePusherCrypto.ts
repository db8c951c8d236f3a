/**
 * node:crypto implementations of the `PusherCrypto` primitives: HMAC with a pre-built key object, MD5,
 * SHA-256, `timingSafeEqual` and the system random source.
 *
 * @since 0.1.0
 */
import * as PusherCrypto from "@effect-pusher/core/PusherCrypto"
import type * as Layer from "effect/Layer"
import * as NodeCrypto from "node:crypto"

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
    const bytes = NodeCrypto.randomBytes(size)
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
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
