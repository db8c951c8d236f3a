import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import nacl from "tweetnacl"
import type * as PusherConfig from "../PusherConfig.js"
import type * as PusherCrypto from "../PusherCrypto.js"
import { EncryptionError } from "../PusherError.js"
import * as Encoding from "./encoding.js"

const nonceLength = nacl.secretbox.nonceLength

/** @internal */
export const missingKey = (channel: string): EncryptionError =>
  new EncryptionError({
    reason: "MissingMasterKey",
    channel,
    description:
      "private-encrypted- channels need an encryption master key: set encryptionMasterKeyBase64 (or PUSHER_ENCRYPTION_MASTER_KEY_BASE64) to the base64 of 32 random bytes"
  })

/** @internal The per-channel key of SPEC §6: SHA-256(utf8(channel) ‖ masterKey), computed every time. */
export const deriveChannelKey = (crypto: PusherCrypto.Service, masterKey: Uint8Array, channel: string): Uint8Array => {
  const name = Encoding.utf8Encode(channel)
  const input = new Uint8Array(name.length + masterKey.length)
  input.set(name, 0)
  input.set(masterKey, name.length)
  return crypto.sha256(input)
}

// A server triggers to the same few encrypted channels again and again, and deriving a key costs a
// SHA-256 (a fifth of sealing a small event), so the keys are kept per master key (the config's bytes).
const keyCache = new WeakMap<Uint8Array, Map<string, Uint8Array>>()
const maxCachedKeys = 1024

/**
 * The per-channel key of SPEC §6, cached. Callers must not modify the returned bytes.
 *
 * @internal
 */
export const channelKey = (crypto: PusherCrypto.Service, masterKey: Uint8Array, channel: string): Uint8Array => {
  let keys = keyCache.get(masterKey)
  if (keys === undefined) {
    keys = new Map()
    keyCache.set(masterKey, keys)
  }
  let key = keys.get(channel)
  if (key === undefined) {
    key = deriveChannelKey(crypto, masterKey, channel)
    // Bounded for servers with unboundedly many channels; starting over is cheap.
    if (keys.size >= maxCachedKeys) keys.clear()
    keys.set(channel, key)
  }
  return key
}

/** @internal */
export const masterKeyFor = (
  config: PusherConfig.Service,
  channel: string
): Either.Either<Uint8Array, EncryptionError> =>
  Option.isSome(config.encryptionMasterKey)
    ? Either.right(Redacted.value(config.encryptionMasterKey.value))
    : Either.left(missingKey(channel))

/**
 * Seals the JSON of `data` for one channel, as pusher-http-node does (strings are JSON-encoded too), into
 * the `{"nonce","ciphertext"}` JSON string that travels as the event's data.
 *
 * @internal
 */
export const seal = (
  crypto: PusherCrypto.Service,
  masterKey: Uint8Array,
  channel: string,
  json: string
): string => {
  const nonce = crypto.randomBytes(nonceLength)
  const box = nacl.secretbox(Encoding.utf8Encode(json), nonce, channelKey(crypto, masterKey, channel))
  return `{"nonce":"${Encoding.base64Encode(nonce)}","ciphertext":"${Encoding.base64Encode(box)}"}`
}

/**
 * Opens an encrypted event's data (the `{"nonce","ciphertext"}` JSON string) and parses the plaintext JSON.
 *
 * @internal
 */
export const open = (
  crypto: PusherCrypto.Service,
  masterKey: Uint8Array,
  channel: string,
  data: unknown
): Either.Either<unknown, EncryptionError> => {
  const fail = (reason: EncryptionError["reason"], description: string) =>
    Either.left(new EncryptionError({ reason, channel, description }))
  let envelope: unknown = data
  if (typeof data === "string") {
    try {
      envelope = JSON.parse(data)
    } catch {
      return fail("InvalidPayload", "the data is not a JSON {nonce, ciphertext} object")
    }
  }
  if (typeof envelope !== "object" || envelope === null) {
    return fail("InvalidPayload", "the data is not a {nonce, ciphertext} object")
  }
  const { ciphertext, nonce } = envelope as { nonce?: unknown; ciphertext?: unknown }
  if (typeof nonce !== "string" || typeof ciphertext !== "string") {
    return fail("InvalidPayload", "nonce and ciphertext must be base64 strings")
  }
  const nonceBytes = Encoding.base64DecodeStrict(nonce)
  if (nonceBytes === undefined || nonceBytes.length !== nonceLength) {
    return fail("InvalidPayload", `nonce must be base64 of ${nonceLength} bytes`)
  }
  const boxBytes = Encoding.base64DecodeStrict(ciphertext)
  if (boxBytes === undefined || boxBytes.length < nacl.secretbox.overheadLength) {
    return fail("InvalidPayload", "ciphertext must be base64 of a secretbox")
  }
  const plain = nacl.secretbox.open(boxBytes, nonceBytes, channelKey(crypto, masterKey, channel))
  if (plain === null) return fail("DecryptionFailed", "the ciphertext does not authenticate with this channel's key")
  let text: string
  try {
    text = Encoding.utf8DecodeStrict(plain)
  } catch {
    return fail("InvalidPlaintext", "the plaintext is not UTF-8")
  }
  try {
    return Either.right(JSON.parse(text))
  } catch {
    return fail("InvalidPlaintext", "the plaintext is not JSON")
  }
}
