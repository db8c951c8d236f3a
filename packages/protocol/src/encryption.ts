/**
 * End-to-end encryption of `private-encrypted-` channels (SPEC §6), with the cipher passed in: a program
 * that never encrypts imports nothing of this module and bundles no cipher.
 *
 * Keys: per channel, `SHA-256(utf8(channel) ‖ masterKey)`. Data: XSalsa20-Poly1305 (`nacl.secretbox`) of
 * the JSON of the event data with a random 24-byte nonce, sent as `{"nonce","ciphertext"}` in base64.
 *
 * @since 0.1.0
 */
import * as Encoding from "./Encoding.js"
import { err, ok, type Result } from "./Failure.js"

/**
 * XSalsa20-Poly1305 as `tweetnacl`'s `secretbox` does it (MAC first). `open` answers `null` when the box
 * does not authenticate.
 *
 * @since 0.1.0
 * @category models
 */
export interface Cipher {
  readonly seal: (message: Uint8Array, nonce: Uint8Array, key: Uint8Array) => Uint8Array
  readonly open: (box: Uint8Array, nonce: Uint8Array, key: Uint8Array) => Uint8Array | null
}

/**
 * The primitives encryption needs besides the cipher.
 *
 * @since 0.1.0
 * @category models
 */
export interface Primitives {
  readonly cipher: Cipher
  readonly sha256: (data: Uint8Array) => Uint8Array
  readonly randomBytes: (size: number) => Uint8Array
}

/**
 * Bytes of the nonce of a sealed message (XSalsa20-Poly1305).
 *
 * @since 0.1.0
 * @category constants
 */
export const nonceLength = 24

/**
 * Bytes a sealed box adds to its message (the Poly1305 tag).
 *
 * @since 0.1.0
 * @category constants
 */
export const overheadLength = 16

/**
 * Bytes of the encryption master key.
 *
 * @since 0.1.0
 * @category constants
 */
export const masterKeyLength = 32

/**
 * Every reason encryption or decryption can fail for.
 *
 * @since 0.1.0
 * @category constants
 */
export const reasons = ["MissingMasterKey", "InvalidPayload", "DecryptionFailed", "InvalidPlaintext"] as const

/**
 * Why encryption could not be done: one of `reasons`.
 *
 * @since 0.1.0
 * @category models
 */
export type Reason = typeof reasons[number]

/**
 * Why encrypting or decrypting failed: a `reason` and a readable `description`.
 *
 * @since 0.1.0
 * @category models
 */
export interface EncryptionFailure {
  readonly reason: Reason
  readonly description: string
}

/**
 * The failure of an encrypted channel used without a master key.
 *
 * @since 0.1.0
 * @category constants
 */
export const missingMasterKey: EncryptionFailure = {
  reason: "MissingMasterKey",
  description:
    "private-encrypted- channels need an encryption master key: set encryptionMasterKeyBase64 (or PUSHER_ENCRYPTION_MASTER_KEY_BASE64) to the base64 of 32 random bytes"
}

/**
 * The per-channel key, computed every time.
 *
 * @since 0.1.0
 * @category keys
 */
export const deriveChannelKey = (
  sha256: (data: Uint8Array) => Uint8Array,
  masterKey: Uint8Array,
  channel: string
): Uint8Array => {
  const name = Encoding.utf8Encode(channel)
  const input = new Uint8Array(name.length + masterKey.length)
  input.set(name, 0)
  input.set(masterKey, name.length)
  return sha256(input)
}

// A server triggers to the same few encrypted channels again and again, and deriving a key costs a SHA-256
// (a fifth of sealing a small event), so the keys are kept per master key (the config's bytes).
const keyCache = new WeakMap<Uint8Array, Map<string, Uint8Array>>()
const maxCachedKeys = 1024

/**
 * The per-channel key, cached per master key (at most 1,024 channels each). Callers must not modify the
 * returned bytes.
 *
 * @since 0.1.0
 * @category keys
 */
export const channelKey = (
  sha256: (data: Uint8Array) => Uint8Array,
  masterKey: Uint8Array,
  channel: string
): Uint8Array => {
  let keys = keyCache.get(masterKey)
  if (keys === undefined) {
    keys = new Map()
    keyCache.set(masterKey, keys)
  }
  let key = keys.get(channel)
  if (key === undefined) {
    key = deriveChannelKey(sha256, masterKey, channel)
    // Bounded for servers with unboundedly many channels; starting over is cheap.
    if (keys.size >= maxCachedKeys) keys.clear()
    keys.set(channel, key)
  }
  return key
}

/**
 * Seals the JSON of an event's data for one channel, as pusher-http-node does (strings are JSON-encoded
 * too), into the `{"nonce","ciphertext"}` JSON string that travels as the event's data.
 *
 * @since 0.1.0
 * @category sealing
 */
export const seal = (primitives: Primitives, masterKey: Uint8Array, channel: string, json: string): string => {
  const nonce = primitives.randomBytes(nonceLength)
  const box = primitives.cipher.seal(
    Encoding.utf8Encode(json),
    nonce,
    channelKey(primitives.sha256, masterKey, channel)
  )
  return `{"nonce":"${Encoding.base64Encode(nonce)}","ciphertext":"${Encoding.base64Encode(box)}"}`
}

const failure = (reason: Reason, description: string) => err<EncryptionFailure>({ reason, description })

/**
 * Opens an encrypted event's data (the `{"nonce","ciphertext"}` object or its JSON string) and parses the
 * plaintext JSON.
 *
 * @since 0.1.0
 * @category sealing
 */
export const open = (
  primitives: Pick<Primitives, "cipher" | "sha256">,
  masterKey: Uint8Array,
  channel: string,
  data: unknown
): Result<unknown, EncryptionFailure> => {
  let envelope: unknown = data
  if (typeof data === "string") {
    try {
      envelope = JSON.parse(data)
    } catch {
      return failure("InvalidPayload", "the data is not a JSON {nonce, ciphertext} object")
    }
  }
  if (typeof envelope !== "object" || envelope === null) {
    return failure("InvalidPayload", "the data is not a {nonce, ciphertext} object")
  }
  const { ciphertext, nonce } = envelope as { readonly nonce?: unknown; readonly ciphertext?: unknown }
  if (typeof nonce !== "string" || typeof ciphertext !== "string") {
    return failure("InvalidPayload", "nonce and ciphertext must be base64 strings")
  }
  const nonceBytes = Encoding.base64DecodeStrict(nonce)
  if (nonceBytes === undefined || nonceBytes.length !== nonceLength) {
    return failure("InvalidPayload", `nonce must be base64 of ${nonceLength} bytes`)
  }
  const boxBytes = Encoding.base64DecodeStrict(ciphertext)
  if (boxBytes === undefined || boxBytes.length < overheadLength) {
    return failure("InvalidPayload", "ciphertext must be base64 of a secretbox")
  }
  const plain = primitives.cipher.open(boxBytes, nonceBytes, channelKey(primitives.sha256, masterKey, channel))
  if (plain === null) return failure("DecryptionFailed", "the ciphertext does not authenticate with this channel's key")
  const text = Encoding.utf8DecodeStrict(plain)
  if (text === undefined) return failure("InvalidPlaintext", "the plaintext is not UTF-8")
  try {
    return ok(JSON.parse(text))
  } catch {
    return failure("InvalidPlaintext", "the plaintext is not JSON")
  }
}

/**
 * Decodes a master key: strict base64 of exactly 32 bytes. The rule never shows the key.
 *
 * @since 0.1.0
 * @category keys
 */
export const decodeMasterKeyBase64 = (base64: string): Result<Uint8Array, string> => {
  const bytes = Encoding.base64DecodeStrict(base64)
  if (bytes === undefined) return err("must be valid (strict, padded) base64")
  if (bytes.length !== masterKeyLength) {
    return err(`must decode to exactly ${masterKeyLength} bytes, but decodes to ${bytes.length}`)
  }
  return ok(bytes)
}
