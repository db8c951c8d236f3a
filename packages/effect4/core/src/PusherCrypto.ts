/**
 * The few cryptographic primitives that Channels needs, behind one replaceable service.
 *
 * The default is portable (pure-JS hashes and the Web Crypto random source), so the core runs
 * anywhere. `@effect-pusher/platform-node` provides a node:crypto implementation that is several times
 * faster; tests can provide a deterministic random source. Because this is a `Context.Reference`, the
 * operations never list it as a requirement (and a layer that provides it provides no requirement either:
 * `Layer.Layer<never>`).
 *
 * @since 1.0.0
 */
import * as HmacSha256 from "@effect-pusher/protocol/HmacSha256"
import * as Md5 from "@effect-pusher/protocol/Md5"
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

/**
 * The crypto primitives that signing, authorization, webhook verification and encryption use.
 *
 * @since 1.0.0
 * @category models
 */
export interface Service {
  /** Prepares an HMAC-SHA256 key once; the returned function signs a UTF-8 message into lowercase hex. */
  readonly hmacSha256Hex: (key: string) => (message: string) => string
  /** Lowercase hex MD5 of the UTF-8 bytes of a string (the `body_md5` of a signed request). */
  readonly md5Hex: (message: string) => string
  /** SHA-256 digest. */
  readonly sha256: (data: Uint8Array) => Uint8Array
  /** Cryptographically secure random bytes. */
  readonly randomBytes: (size: number) => Uint8Array
  /** Compares two strings in time that depends only on their length. */
  readonly timingSafeEqual: (a: string, b: string) => boolean
}

const timingSafeEqual = (a: string, b: string): boolean => {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return diff === 0
}

const fillRandom = <A extends Uint8Array>(bytes: A): A => {
  // getRandomValues fills at most 65,536 bytes per call.
  for (let offset = 0; offset < bytes.length; offset += 65536) {
    globalThis.crypto.getRandomValues(bytes.subarray(offset, Math.min(bytes.length, offset + 65536)))
  }
  return bytes
}

/**
 * A `randomBytes` that serves small draws (24-byte nonces) from a 4 KiB block filled by `fill`, the system
 * source, because one call to it costs far more than a nonce's share of a block: a 24-byte nonce per
 * `randomFillSync` call → pooled, 23× the nonces per CPU-second; per `getRandomValues` call → pooled, 40×
 * (`pnpm bench:fastpaths nonce`, Node 20). Each byte is handed out once and wiped from the block as it goes;
 * draws over 256 bytes go to `fill` directly.
 *
 * @since 1.0.0
 * @category constructors
 */
export const pooledRandomBytes = (fill: (bytes: Uint8Array) => Uint8Array): (size: number) => Uint8Array => {
  let pool: Uint8Array = new Uint8Array(0)
  let offset = 0
  return (size) => {
    if (size > 256) return fill(new Uint8Array(size))
    if (offset + size > pool.length) {
      pool = fill(new Uint8Array(4096))
      offset = 0
    }
    const bytes = pool.slice(offset, offset + size)
    pool.fill(0, offset, offset + size)
    offset += size
    return bytes
  }
}

/**
 * The portable implementation: SHA-256 and HMAC-SHA256 from the protocol's `HmacSha256` (tested against
 * node:crypto on every length around the block boundaries and random keys and messages), MD5 from the
 * protocol's `Md5` (tested the same way), and `crypto.getRandomValues`.
 *
 * @since 1.0.0
 * @category constructors
 */
export const portable: Service = {
  // The protocol's plain-JavaScript HMAC from the key's hashed pads, against @noble/hashes' `hmac` cloned per
  // message (CPU time per call, Node 20, median of 5): 24 B 4.7 → 1.1 µs, 170 B 5.5 → 2.5 µs, 2 KB 16.5 →
  // 13.9 µs, 20 KB 209 → 225 µs (even).
  hmacSha256Hex: (key) => HmacSha256.prepare(key),
  md5Hex: Md5.md5Hex,
  sha256: HmacSha256.sha256,
  randomBytes: pooledRandomBytes(fillRandom),
  timingSafeEqual
}

/**
 * The crypto primitives in use; defaults to {@link portable}.
 *
 * @since 1.0.0
 * @category tags
 */
export const PusherCrypto: Context.Reference<Service> = Context.Reference<Service>("@effect-pusher/core/PusherCrypto", {
  defaultValue: () => portable
})

/**
 * Replaces the crypto primitives, for example with node:crypto or a deterministic random source in tests.
 *
 * @since 1.0.0
 * @category layers
 */
export const layer = (service: Service): Layer.Layer<never> => Layer.succeed(PusherCrypto, service)

/**
 * The crypto primitives in use: the provided `PusherCrypto`, or the portable default.
 *
 * @since 1.0.0
 * @category accessors
 */
export const current: Effect.Effect<Service> = PusherCrypto
