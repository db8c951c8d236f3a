import * as Encryption from "@effect-pusher/protocol/encryption"
import type * as Failure from "@effect-pusher/protocol/Failure"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import nacl from "tweetnacl"
import type * as PusherConfig from "../PusherConfig.js"
import type * as PusherCrypto from "../PusherCrypto.js"
import { EncryptionError } from "../PusherError.js"

const cipher: Encryption.Cipher = { seal: nacl.secretbox, open: nacl.secretbox.open }

/** @internal */
export const toError = (channel: string, failure: Encryption.EncryptionFailure): EncryptionError =>
  new EncryptionError({ reason: failure.reason, channel, description: failure.description })

/** @internal */
export const masterKeyFor = (
  config: PusherConfig.Service,
  channel: string
): Either.Either<Uint8Array, EncryptionError> =>
  Option.isSome(config.encryptionMasterKey)
    ? Either.right(Redacted.value(config.encryptionMasterKey.value))
    : Either.left(toError(channel, Encryption.missingMasterKey))

/** @internal The per-channel key (cached). */
export const channelKey = (crypto: PusherCrypto.Service, masterKey: Uint8Array, channel: string): Uint8Array =>
  Encryption.channelKey(crypto.sha256, masterKey, channel)

/** @internal Seals the JSON of an event's data into the `{"nonce","ciphertext"}` string sent as its data. */
export const seal = (crypto: PusherCrypto.Service, masterKey: Uint8Array, channel: string, json: string): string =>
  Encryption.seal({ cipher, sha256: crypto.sha256, randomBytes: crypto.randomBytes }, masterKey, channel, json)

/** @internal Opens an encrypted event's data and parses the plaintext JSON. */
export const open = (
  crypto: PusherCrypto.Service,
  masterKey: Uint8Array,
  channel: string,
  data: unknown
): Either.Either<unknown, EncryptionError> => {
  const result: Failure.Result<unknown, Encryption.EncryptionFailure> = Encryption.open(
    { cipher, sha256: crypto.sha256 },
    masterKey,
    channel,
    data
  )
  return result.ok ? Either.right(result.value) : Either.left(toError(channel, result.error))
}
