import * as Encryption from "@effect-pusher/protocol/encryption"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import type * as PusherConfig from "../PusherConfig.js"
import type * as PusherCrypto from "../PusherCrypto.js"
import { EncryptionError } from "../PusherError.js"

/** @internal */
export const toError = (channel: string, failure: Encryption.EncryptionFailure): EncryptionError =>
  new EncryptionError({ reason: failure.reason, channel, description: failure.description })

/** @internal */
export const missingMasterKey = (channel: string): EncryptionError => toError(channel, Encryption.missingMasterKey)

/** @internal */
export const masterKeyFor = (
  config: PusherConfig.Service,
  channel: string
): Result.Result<Uint8Array, EncryptionError> =>
  Option.isSome(config.encryptionMasterKey)
    ? Result.succeed(Redacted.value(config.encryptionMasterKey.value))
    : Result.fail(missingMasterKey(channel))

/** @internal The per-channel key (cached). */
export const channelKey = (crypto: PusherCrypto.Service, masterKey: Uint8Array, channel: string): Uint8Array =>
  Encryption.channelKey(crypto.sha256, masterKey, channel)

/** @internal The cipher, imported on first use (see {@link withEncryption}). */
export type Cipher = Encryption.Cipher

/** @internal Seals the JSON of an event's data into the `{"nonce","ciphertext"}` string sent as its data. */
export const seal = (
  cipher: Cipher,
  crypto: PusherCrypto.Service,
  masterKey: Uint8Array,
  channel: string,
  json: string
): string =>
  Encryption.seal({ cipher, sha256: crypto.sha256, randomBytes: crypto.randomBytes }, masterKey, channel, json)

/** @internal Opens an encrypted event's data and parses the plaintext JSON. */
export const open = (
  cipher: Cipher,
  crypto: PusherCrypto.Service,
  masterKey: Uint8Array,
  channel: string,
  data: unknown
): Result.Result<unknown, EncryptionError> => {
  const result = Encryption.open({ cipher, sha256: crypto.sha256 }, masterKey, channel, data)
  return result.ok ? Result.succeed(result.value) : Result.fail(toError(channel, result.error))
}

/** @internal What sealing and opening need: the master key and the cipher. */
export interface Encrypting {
  readonly masterKey: Uint8Array
  readonly cipher: Cipher
}

let loaded: Cipher | undefined

/**
 * @internal Runs `f` with the master key and the cipher when the config has a key, else with `undefined` (an
 * encrypted channel then fails with `MissingMasterKey`, before any cipher is needed). The cipher module is
 * imported on the first call with a key, so a program without one never loads it; after that, and
 * without a key, no step is added.
 */
export const withEncryption = <A, E, R>(
  config: PusherConfig.Service,
  f: (encrypting: Encrypting | undefined) => Effect.Effect<A, E, R>
): Effect.Effect<A, E, R> => {
  const key = config.encryptionMasterKey
  if (Option.isNone(key)) return f(undefined)
  if (loaded !== undefined) return f({ masterKey: Redacted.value(key.value), cipher: loaded })
  return Effect.flatMap(
    Effect.promise(() => import("./cipher.js")),
    (module) => {
      loaded = module.cipher
      return f({ masterKey: Redacted.value(key.value), cipher: module.cipher })
    }
  )
}
