import { Pusher, PusherConfig, PusherCrypto, PusherError } from "@effect-pusher/core"
import * as ProtocolEncryption from "@effect-pusher/protocol/encryption"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import * as TestClock from "effect/testing/TestClock"
import fc from "fast-check"
import * as NodeCrypto from "node:crypto"
import { createRequire } from "node:module"
import type OfficialPusher from "pusher"
import nacl from "tweetnacl"
import { cipher } from "../src/internal/cipher.js"
import * as Encryption from "../src/internal/encryption.js"
import { channelSignature } from "./utils/channelSignature.js"
import { officialServer, type Received } from "./utils/officialServer.js"
import { makeRecorder } from "./utils/recorder.js"

// SPEC §7: key f00d, secret tofu and this master key.
const masterKeyBase64 = "zyrm8pvV2C9fJcBfhyXzvxbJVN/H7QLmbe0xJi1GhPU="
const masterKey = new Uint8Array(Buffer.from(masterKeyBase64, "base64"))
const masterKeyHex = Buffer.from(masterKey).toString("hex")
const channel = "private-encrypted-bla"
const fixedNonce = new Uint8Array(Array.from({ length: 24 }, (_, i) => (i * 37 + 11) & 255))

/** The per-channel key, computed independently of the library (SPEC §6). */
const referenceKey = (name: string, master: Uint8Array = masterKey): Uint8Array =>
  new Uint8Array(NodeCrypto.createHash("sha256").update(Buffer.from(name, "utf8")).update(master).digest())

const options = { appId: "1234", key: "f00d", secret: "tofu" } as const

/** A crypto service whose random source repeats `nonce` (enough for a few events). */
const fixedRandom = (nonce: Uint8Array): PusherCrypto.Service => ({
  ...PusherCrypto.portable,
  randomBytes: (size) => {
    const out = new Uint8Array(size)
    for (let i = 0; i < size; i++) out[i] = nonce[i % nonce.length]!
    return out
  }
})

const setup = (config: PusherConfig.Options, crypto?: PusherCrypto.Service) => {
  const recorder = makeRecorder()
  const layer = Layer.mergeAll(
    recorder.layer,
    PusherConfig.layer(config),
    crypto === undefined ? Layer.empty : PusherCrypto.layer(crypto)
  )
  return { recorder, layer }
}

const withKey = { ...options, encryptionMasterKeyBase64: masterKeyBase64 }

/** Opens wire data the way pusher-js does: tweetnacl's secretbox.open with the channel's key. */
const openLikePusherJs = (wire: string, name: string, master: Uint8Array = masterKey): string | null => {
  const { ciphertext, nonce } = JSON.parse(wire) as { nonce: string; ciphertext: string }
  const plain = nacl.secretbox.open(
    new Uint8Array(Buffer.from(ciphertext, "base64")),
    new Uint8Array(Buffer.from(nonce, "base64")),
    referenceKey(name, master)
  )
  return plain === null ? null : Buffer.from(plain).toString("utf8")
}

// ---------------------------------------------------------------------------------------------------------
// The official library, sending to a local server that records what it receives
// ---------------------------------------------------------------------------------------------------------

const server = officialServer()

const official = () => server.official({ ...options, encryptionMasterKeyBase64: masterKeyBase64 })

// The tweetnacl instance the official library draws its nonces from.
const officialNacl = createRequire(createRequire(import.meta.url).resolve("pusher"))("tweetnacl") as typeof nacl

/** Runs the official library with a fixed nonce and clock, returning what it sent. */
const officialSend = async (
  send: (pusher: OfficialPusher) => Promise<unknown>,
  nonce: Uint8Array,
  nowMillis: number
): Promise<Received> => {
  officialNacl.setPRNG((x, n) => {
    for (let i = 0; i < n; i++) x[i] = nonce[i % nonce.length]!
  })
  const realNow = Date.now
  Date.now = () => nowMillis
  const before = server.received.length
  try {
    await send(official())
  } finally {
    Date.now = realNow
    officialNacl.setPRNG((x, n) => x.set(NodeCrypto.randomBytes(n)))
  }
  expect(server.received.length).toBe(before + 1)
  return server.received[server.received.length - 1]!
}

/** Sends with the official library's own randomness. */
const officialCapture = async (send: (pusher: OfficialPusher) => Promise<unknown>): Promise<Received> => {
  const before = server.received.length
  await send(official())
  expect(server.received.length).toBe(before + 1)
  return server.received[server.received.length - 1]!
}

const pathAndQuery = (url: string): string => {
  const parsed = new URL(url)
  return parsed.pathname + parsed.search
}

// ---------------------------------------------------------------------------------------------------------

describe("trigger to a private-encrypted- channel", () => {
  it.effect("seals the JSON of the data with a secretbox that tweetnacl opens with the channel's key", () => {
    const { layer, recorder } = setup(withKey, fixedRandom(fixedNonce))
    const data = { message: "héllo 🌍", n: [1, 2, 3], nested: { ok: true } }
    return Effect.gen(function*() {
      yield* Pusher.trigger(channel, "secret-event", data)
      const body = JSON.parse(recorder.requests[0]!.body!) as { name: string; data: string; channels: Array<string> }
      expect(body.name).toBe("secret-event")
      expect(body.channels).toEqual([channel])
      const envelope = JSON.parse(body.data) as Record<string, string>
      expect(Object.keys(envelope)).toEqual(["nonce", "ciphertext"])
      expect(envelope.nonce).toBe(Buffer.from(fixedNonce).toString("base64"))
      expect(openLikePusherJs(body.data, channel)).toBe(JSON.stringify(data))
      // Another channel's key, or another master key, does not open it.
      expect(openLikePusherJs(body.data, "private-encrypted-other")).toBeNull()
      expect(openLikePusherJs(body.data, channel, new Uint8Array(32))).toBeNull()
    }).pipe(Effect.provide(layer))
  })

  it.effect("JSON-encodes a string before sealing, as pusher-http-node does", () => {
    const { layer, recorder } = setup(withKey, fixedRandom(fixedNonce))
    return Effect.gen(function*() {
      yield* Pusher.trigger(channel, "e", "Hello!")
      const body = JSON.parse(recorder.requests[0]!.body!) as { data: string }
      expect(openLikePusherJs(body.data, channel)).toBe("\"Hello!\"")
    }).pipe(Effect.provide(layer))
  })

  it.effect("draws a fresh nonce from the secure source for each event by default", () => {
    const { layer, recorder } = setup(withKey)
    return Effect.gen(function*() {
      yield* Pusher.trigger(channel, "e", { a: 1 })
      yield* Pusher.trigger(channel, "e", { a: 1 })
      const nonces = recorder.requests.map((r) => {
        const data = (JSON.parse(r.body!) as { data: string }).data
        return (JSON.parse(data) as { nonce: string }).nonce
      })
      expect(Buffer.from(nonces[0]!, "base64").length).toBe(24)
      expect(nonces[0]).not.toBe(nonces[1])
      for (const r of recorder.requests) {
        expect(openLikePusherJs((JSON.parse(r.body!) as { data: string }).data, channel)).toBe("{\"a\":1}")
      }
    }).pipe(Effect.provide(layer))
  })

  it.effect("sends byte for byte what pusher@5.3.4 sends with the same nonce and clock", () => {
    const { layer, recorder } = setup(withKey, fixedRandom(fixedNonce))
    const now = 1_700_000_000_000
    const cases: ReadonlyArray<readonly [unknown, string | undefined]> = [
      [{ message: "héllo 🌍", list: [1, null, "x"] }, undefined],
      ["a plain string", "123.456"],
      [42, undefined],
      [[], undefined]
    ]
    return Effect.gen(function*() {
      yield* TestClock.setTime(now)
      for (const [data, socketId] of cases) {
        const ours = recorder.requests.length
        yield* Pusher.trigger(channel, "my-event", data, socketId === undefined ? undefined : { socketId })
        const theirs = yield* Effect.promise(() =>
          officialSend(
            (p) =>
              socketId === undefined
                ? p.trigger(channel, "my-event", data)
                : p.trigger(channel, "my-event", data, { socket_id: socketId }),
            fixedNonce,
            now
          )
        )
        expect(recorder.requests[ours]!.body).toBe(theirs.body)
        expect(pathAndQuery(recorder.requests[ours]!.url)).toBe(theirs.url)
      }
    }).pipe(Effect.provide(layer))
  })

  it.effect("the official library's sealed data opens here, and ours opens like theirs", () =>
    Effect.gen(function*() {
      const data = { from: "pusher@5.3.4", text: "ünïcödé ✓", n: 1.5 }
      const theirs = yield* Effect.promise(() => officialCapture((p) => p.trigger(channel, "e", data)))
      const wire = (JSON.parse(theirs.body) as { data: string }).data
      expect(Encryption.open(cipher, PusherCrypto.portable, masterKey, channel, wire)).toEqual(Result.succeed(data))
      const str = yield* Effect.promise(() => officialCapture((p) => p.trigger(channel, "e", "just text")))
      const strWire = (JSON.parse(str.body) as { data: string }).data
      expect(Encryption.open(cipher, PusherCrypto.portable, masterKey, channel, strWire)).toEqual(
        Result.succeed("just text")
      )
      // Same channel, other channel: only the right key opens it.
      const other = Encryption.open(cipher, PusherCrypto.portable, masterKey, "private-encrypted-x", wire)
      expect(Result.isFailure(other) && other.failure.reason).toBe("DecryptionFailed")
    }))

  it.effect("a batch seals each encrypted entry, leaves the others plain, and matches pusher@5.3.4", () => {
    const { layer, recorder } = setup(withKey, fixedRandom(fixedNonce))
    const now = 1_600_000_000_000
    const events = [
      { channel, name: "a", data: { secret: 1 } },
      { channel: "public", name: "b", data: { open: 2 } },
      { channel: "private-encrypted-two", name: "c", data: "text", socketId: "1.2" }
    ]
    return Effect.gen(function*() {
      yield* TestClock.setTime(now)
      yield* Pusher.triggerBatch(events)
      const body = JSON.parse(recorder.requests[0]!.body!) as { batch: Array<{ channel: string; data: string }> }
      expect(openLikePusherJs(body.batch[0]!.data, channel)).toBe("{\"secret\":1}")
      expect(body.batch[1]!.data).toBe("{\"open\":2}")
      expect(openLikePusherJs(body.batch[2]!.data, "private-encrypted-two")).toBe("\"text\"")
      // The official library mutates its input: give it a copy in its own spelling.
      const theirs = yield* Effect.promise(() =>
        officialSend(
          (p) =>
            p.triggerBatch([
              { channel, name: "a", data: { secret: 1 } },
              { channel: "public", name: "b", data: { open: 2 } },
              { channel: "private-encrypted-two", name: "c", data: "text", socket_id: "1.2" }
            ]),
          fixedNonce,
          now
        )
      )
      expect(recorder.requests[0]!.body).toBe(theirs.body)
      expect(pathAndQuery(recorder.requests[0]!.url)).toBe(theirs.url)
      // Our input is untouched.
      expect(events[0]!.data).toEqual({ secret: 1 })
    }).pipe(Effect.provide(layer))
  })

  it.effect("a batch sealed by the official library opens here", () =>
    Effect.gen(function*() {
      const theirs = yield* Effect.promise(() =>
        officialCapture((p) =>
          p.triggerBatch([
            { channel, name: "a", data: [1, "two", { three: 3 }] },
            { channel: "private-encrypted-b", name: "b", data: "hi" }
          ])
        )
      )
      const batch = (JSON.parse(theirs.body) as { batch: Array<{ data: string }> }).batch
      expect(Encryption.open(cipher, PusherCrypto.portable, masterKey, channel, batch[0]!.data)).toEqual(
        Result.succeed([1, "two", { three: 3 }])
      )
      expect(Encryption.open(cipher, PusherCrypto.portable, masterKey, "private-encrypted-b", batch[1]!.data)).toEqual(
        Result.succeed("hi")
      )
    }))

  it.effect("applies the payload limit to the sealed data: exactly the limit passes, one byte more fails", () => {
    const { layer, recorder } = setup(withKey, fixedRandom(fixedNonce))
    // Wire data is 60 characters of envelope plus base64 of (JSON + 16) bytes; "a"×7615 seals to exactly 10,240.
    const fits = "a".repeat(7615)
    const over = "a".repeat(7618)
    return Effect.gen(function*() {
      yield* Pusher.trigger(channel, "e", fits)
      const wire = (JSON.parse(recorder.requests[0]!.body!) as { data: string }).data
      expect(wire.length).toBe(PusherConfig.defaultMaxPayloadBytes)
      const error = yield* Effect.flip(Pusher.trigger(channel, "e", over))
      expect(error).toBeInstanceOf(PusherError.ValidationError)
      expect(error).toMatchObject({ field: "data" })
      expect(error.message).toContain("10244")
      // The plaintext alone (7,620 bytes) is far below the limit: the sealed size is what counts.
      expect(JSON.stringify(over).length).toBeLessThan(PusherConfig.defaultMaxPayloadBytes)
      const inBatch = yield* Effect.flip(Pusher.triggerBatch([{ channel, name: "e", data: over }]))
      expect(inBatch).toMatchObject({ _tag: "ValidationError", field: "events[0].data" })
      expect(recorder.requests.length).toBe(1)
    }).pipe(Effect.provide(layer))
  })

  it.effect("the limit is the configured maxPayloadBytes, compared with the sealed length", () =>
    Effect.gen(function*() {
      const data = { pad: "x".repeat(100) }
      const sealedLength =
        Encryption.seal(cipher, fixedRandom(fixedNonce), masterKey, channel, JSON.stringify(data)).length
      const exact = setup({ ...withKey, maxPayloadBytes: sealedLength }, fixedRandom(fixedNonce))
      yield* Pusher.trigger(channel, "e", data).pipe(Effect.provide(exact.layer))
      expect(exact.recorder.requests.length).toBe(1)
      const under = setup({ ...withKey, maxPayloadBytes: sealedLength - 1 }, fixedRandom(fixedNonce))
      const error = yield* Effect.flip(Pusher.trigger(channel, "e", data).pipe(Effect.provide(under.layer)))
      expect(error).toMatchObject({ _tag: "ValidationError", field: "data" })
      expect(under.recorder.requests.length).toBe(0)
    }))
})

describe("encryption rules", () => {
  it.effect("without a master key, an encrypted trigger is a MissingMasterKey error that says how to configure", () => {
    const { layer, recorder } = setup(options)
    return Effect.gen(function*() {
      const error = yield* Effect.flip(Pusher.trigger(channel, "e", { a: 1 }))
      expect(error).toBeInstanceOf(PusherError.EncryptionError)
      expect(error).toMatchObject({ reason: "MissingMasterKey", channel })
      expect(error.message).toContain("encryptionMasterKeyBase64")
      expect(error.message).toContain("PUSHER_ENCRYPTION_MASTER_KEY_BASE64")
      expect(error.message).toContain("32")
      expect(recorder.requests.length).toBe(0)
    }).pipe(Effect.provide(layer))
  })

  it.effect("without a master key, an encrypted entry of a batch is a MissingMasterKey error", () => {
    const { layer, recorder } = setup(options)
    return Effect.gen(function*() {
      const error = yield* Effect.flip(Pusher.triggerBatch([
        { channel: "public", name: "e", data: 1 },
        { channel: "private-encrypted-b", name: "e", data: 2 }
      ]))
      expect(error).toBeInstanceOf(PusherError.EncryptionError)
      expect(error).toMatchObject({ reason: "MissingMasterKey", channel: "private-encrypted-b" })
      expect(error.message).toContain("encryptionMasterKeyBase64")
      expect(recorder.requests.length).toBe(0)
    }).pipe(Effect.provide(layer))
  })

  it.effect("without a master key, authorizing an encrypted channel is a MissingMasterKey error", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Pusher.authorizeChannel("123.456", channel))
      expect(error).toBeInstanceOf(PusherError.EncryptionError)
      expect(error).toMatchObject({ reason: "MissingMasterKey", channel })
      expect(error.message).toContain("encryptionMasterKeyBase64")
    }).pipe(Effect.provide(PusherConfig.layer(options))))

  it.effect("an encrypted channel among several in one trigger is a ValidationError, key or not", () =>
    Effect.gen(function*() {
      for (const config of [withKey, options]) {
        const { layer, recorder } = setup(config)
        for (const channels of [[channel, "public"], ["public", channel], [channel, "private-encrypted-2"]]) {
          const error = yield* Effect.flip(Pusher.trigger(channels, "e", { a: 1 }).pipe(Effect.provide(layer)))
          expect(error).toBeInstanceOf(PusherError.ValidationError)
          expect(error).toMatchObject({ field: "channels" })
          expect(error.message).toContain("private-encrypted-")
        }
        // Even a single encrypted channel given as a one-element array is sealed, not rejected.
        if (config === withKey) {
          yield* Pusher.trigger([channel], "e", 1).pipe(Effect.provide(layer))
          const data = (JSON.parse(recorder.requests[0]!.body!) as { data: string }).data
          expect(openLikePusherJs(data, channel)).toBe("1")
        }
      }
    }))

  it.effect("a batch entry naming several channels is a ValidationError", () => {
    const { layer, recorder } = setup(withKey)
    const entry = { channel: [channel, "public"], name: "e", data: 1 } as unknown as Pusher.BatchEvent
    return Effect.gen(function*() {
      const error = yield* Effect.flip(Pusher.triggerBatch([entry]))
      expect(error).toBeInstanceOf(PusherError.ValidationError)
      expect(error).toMatchObject({ field: "events[0].channel" })
      expect(recorder.requests.length).toBe(0)
    }).pipe(Effect.provide(layer))
  })

  it.effect("sendToUser is never encrypted, even with a master key", () => {
    const { layer, recorder } = setup(withKey, fixedRandom(fixedNonce))
    return Effect.gen(function*() {
      yield* Pusher.sendToUser("private-encrypted-user", "e", { plain: true })
      expect(recorder.requests[0]!.body).toBe(
        `{"name":"e","data":"{\\"plain\\":true}","channels":["#server-to-user-private-encrypted-user"]}`
      )
    }).pipe(Effect.provide(layer))
  })

  it.effect("an encrypted channel whose data is not JSON-serializable is a ValidationError", () => {
    const { layer, recorder } = setup(withKey)
    return Effect.gen(function*() {
      const cyclic: Record<string, unknown> = {}
      cyclic.self = cyclic
      for (const data of [undefined, () => 1, cyclic, 10n]) {
        const error = yield* Effect.flip(Pusher.trigger(channel, "e", data))
        expect(error).toMatchObject({ _tag: "ValidationError", field: "data" })
      }
      expect(recorder.requests.length).toBe(0)
    }).pipe(Effect.provide(layer))
  })
})

describe("authorizeChannel on an encrypted channel", () => {
  const layer = PusherConfig.layer(withKey)

  it.effect("adds shared_secret, SPEC §7's known value for private-encrypted-bla", () =>
    Effect.gen(function*() {
      const result = yield* Pusher.authorizeChannel("123.456", channel)
      expect(result.shared_secret).toBe("nlr49ISQHz91yS3cy/yWmW8wFMNeTnNL5tNHnbPJcLQ=")
      expect(result.shared_secret).toBe(Buffer.from(referenceKey(channel)).toString("base64"))
      expect(result.auth).toBe(official().authorizeChannel("123.456", channel).auth)
      expect(Object.keys(result)).toEqual(["auth", "shared_secret"])
      // SPEC §7's auth signs channel data '"foo"' too; the same signer gives the known value.
      const config = yield* PusherConfig.PusherConfig
      expect(channelSignature(config, PusherCrypto.portable, "123.456", channel, "\"foo\"")).toBe(
        "f00d:962c48b78bf93d98ff4c92ee7dff04865821455b7b401e9d60a9e0a90af2c105"
      )
    }).pipe(Effect.provide(layer)))

  it.effect("shared_secret equals pusher@5.3.4's for arbitrary encrypted channel names", () =>
    Effect.gen(function*() {
      const pusher = official()
      const names = fc.sample(fc.stringMatching(/^[A-Za-z0-9_\-=@,.;]{1,182}$/), { numRuns: 50, seed: 7 })
      for (const suffix of names) {
        const name = `private-encrypted-${suffix}`
        const ours = yield* Pusher.authorizeChannel("1.2", name)
        const theirs = pusher.authorizeChannel("1.2", name)
        expect(ours).toEqual({ auth: theirs.auth, shared_secret: theirs.shared_secret })
      }
    }).pipe(Effect.provide(layer)))

  it.effect("a plain private channel gets no shared_secret", () =>
    Effect.gen(function*() {
      const result = yield* Pusher.authorizeChannel("123.456", "private-bla")
      expect(Object.keys(result)).toEqual(["auth"])
    }).pipe(Effect.provide(layer)))
})

describe("seal and open", () => {
  const crypto = fixedRandom(fixedNonce)
  const sealed = Encryption.seal(cipher, crypto, masterKey, channel, "{\"hello\":\"world\"}")
  const envelope = JSON.parse(sealed) as { nonce: string; ciphertext: string }

  const reasonOf = (data: unknown, name = channel, master = masterKey) => {
    const result = Encryption.open(cipher, crypto, master, name, data)
    return Result.isFailure(result) ? result.failure.reason : "opened"
  }

  const flipBit = (base64: string, byte: number): string => {
    const bytes = Buffer.from(base64, "base64")
    bytes[byte] = bytes[byte]! ^ 1
    return bytes.toString("base64")
  }

  /** Seals arbitrary plaintext bytes with tweetnacl directly. */
  const sealRaw = (plain: Uint8Array, name = channel): string =>
    JSON.stringify({
      nonce: Buffer.from(fixedNonce).toString("base64"),
      ciphertext: Buffer.from(nacl.secretbox(plain, fixedNonce, referenceKey(name))).toString("base64")
    })

  it("round-trips and matches tweetnacl", () => {
    expect(Encryption.open(cipher, crypto, masterKey, channel, sealed)).toEqual(Result.succeed({ hello: "world" }))
    expect(Encryption.open(cipher, crypto, masterKey, channel, envelope)).toEqual(Result.succeed({ hello: "world" }))
    expect(sealed).toBe(sealRaw(new TextEncoder().encode("{\"hello\":\"world\"}")))
  })

  it("channelKey is SHA-256(channel ‖ masterKey) with either crypto service", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 64 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), (
        name,
        master
      ) => {
        expect(Encryption.channelKey(PusherCrypto.portable, master, name)).toEqual(referenceKey(name, master))
      }),
      { numRuns: 100 }
    )
  })

  it("channelKey stays correct past its cache's bound, per master key", () => {
    const other = new Uint8Array(32).fill(9)
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 1100; i += round === 0 ? 1 : 37) {
        const name = `private-encrypted-${i}`
        expect(Encryption.channelKey(PusherCrypto.portable, masterKey, name)).toEqual(referenceKey(name))
        expect(Encryption.channelKey(PusherCrypto.portable, other, name)).toEqual(referenceKey(name, other))
      }
    }
    expect(ProtocolEncryption.deriveChannelKey(PusherCrypto.portable.sha256, masterKey, channel)).toEqual(
      referenceKey(channel)
    )
  })

  it("any JSON value sealed here opens with tweetnacl and back here (fast-check)", () => {
    fc.assert(
      fc.property(
        fc.jsonValue(),
        fc.stringMatching(/^[A-Za-z0-9_\-=@,.;]{1,50}$/),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (value, suffix, master) => {
          const name = `private-encrypted-${suffix}`
          const json = JSON.stringify(value)
          const wire = Encryption.seal(cipher, PusherCrypto.portable, master, name, json)
          expect(openLikePusherJs(wire, name, master)).toBe(json)
          expect(Encryption.open(cipher, PusherCrypto.portable, master, name, wire)).toEqual(
            Result.succeed(JSON.parse(json))
          )
        }
      ),
      { numRuns: 200 }
    )
  })

  it("a tampered nonce or ciphertext, a wrong key or channel fails to authenticate", () => {
    for (let i = 0; i < 24; i += 5) {
      expect(reasonOf({ ...envelope, nonce: flipBit(envelope.nonce, i) })).toBe("DecryptionFailed")
    }
    const boxLength = Buffer.from(envelope.ciphertext, "base64").length
    for (let i = 0; i < boxLength; i += 3) {
      expect(reasonOf({ ...envelope, ciphertext: flipBit(envelope.ciphertext, i) })).toBe("DecryptionFailed")
    }
    expect(reasonOf(sealed, "private-encrypted-blb")).toBe("DecryptionFailed")
    const wrong = new Uint8Array(masterKey)
    wrong[31] = wrong[31]! ^ 128
    expect(reasonOf(sealed, channel, wrong)).toBe("DecryptionFailed")
  })

  it("malformed envelopes are InvalidPayload", () => {
    const nonceBytes = Buffer.from(envelope.nonce, "base64")
    const cases: ReadonlyArray<unknown> = [
      "not json",
      "null",
      "42",
      "\"a string\"",
      null,
      7,
      {},
      { nonce: envelope.nonce },
      { ciphertext: envelope.ciphertext },
      { nonce: 1, ciphertext: envelope.ciphertext },
      // truncated base64
      { ...envelope, nonce: envelope.nonce.slice(0, -1) },
      { ...envelope, ciphertext: envelope.ciphertext.slice(0, -2) },
      // base64 of the wrong length
      { ...envelope, nonce: nonceBytes.subarray(0, 23).toString("base64") },
      { ...envelope, nonce: Buffer.concat([nonceBytes, Buffer.from([0])]).toString("base64") },
      // not the standard alphabet, whitespace, missing padding
      { ...envelope, ciphertext: envelope.ciphertext.replace(/\+/g, "-").replace(/\//g, "_") + "-" },
      { ...envelope, ciphertext: ` ${envelope.ciphertext}` },
      { ...envelope, ciphertext: "" },
      { ...envelope, ciphertext: Buffer.alloc(15).toString("base64") }
    ]
    for (const data of cases) expect([data, reasonOf(data)]).toEqual([data, "InvalidPayload"])
  })

  it("a plaintext that is not JSON, or not UTF-8, is InvalidPlaintext", () => {
    expect(reasonOf(sealRaw(new TextEncoder().encode("Hello!")))).toBe("InvalidPlaintext")
    expect(reasonOf(sealRaw(new Uint8Array(0)))).toBe("InvalidPlaintext")
    expect(reasonOf(sealRaw(new Uint8Array([0x22, 0xff, 0x22])))).toBe("InvalidPlaintext")
    expect(reasonOf(sealRaw(new TextEncoder().encode("{\"a\":")))).toBe("InvalidPlaintext")
  })

  it("every error is an EncryptionError naming the channel, never the master key", () => {
    const errors: Array<unknown> = []
    for (const data of ["x", { ...envelope, nonce: flipBit(envelope.nonce, 0) }, sealRaw(new Uint8Array([1]))]) {
      const result = Encryption.open(cipher, crypto, masterKey, channel, data)
      if (Result.isFailure(result)) errors.push(result.failure)
    }
    errors.push(Encryption.toError(channel, ProtocolEncryption.missingMasterKey))
    expect(errors.length).toBe(4)
    for (const error of errors) {
      expect(error).toBeInstanceOf(PusherError.EncryptionError)
      expect(PusherError.isPusherError(error)).toBe(true)
      expect((error as PusherError.EncryptionError).channel).toBe(channel)
      assertNoKey(error)
    }
  })
})

const assertNoKey = (value: unknown) => {
  const texts = [String(value), JSON.stringify(value), (value as Error).message ?? "", (value as Error).stack ?? ""]
  for (const text of texts) {
    expect(text).not.toContain(masterKeyBase64)
    expect(text).not.toContain(masterKeyBase64.slice(0, 12))
    expect(text).not.toContain(masterKeyHex)
  }
}

describe("the master key stays secret", () => {
  it.effect("no error of an encrypted trigger or authorization shows it", () => {
    const { layer } = setup({ ...withKey, maxPayloadBytes: 100 })
    return Effect.gen(function*() {
      const failures = [
        yield* Effect.flip(Pusher.trigger(channel, "e", "x".repeat(100))),
        yield* Effect.flip(Pusher.trigger([channel, "other"], "e", 1)),
        yield* Effect.flip(Pusher.triggerBatch([{ channel, name: "e", data: "x".repeat(100) }])),
        yield* Effect.flip(Pusher.trigger(channel, "e", undefined)),
        yield* Effect.flip(Pusher.authorizeChannel("bad", channel))
      ]
      for (const error of failures) assertNoKey(error)
      const config = yield* PusherConfig.PusherConfig
      assertNoKey(config)
      expect(Redacted.isRedacted(Option.getOrThrow(config.encryptionMasterKey))).toBe(true)
    }).pipe(Effect.provide(layer))
  })

  it("a bad master key is a ConfigError that does not echo it", () => {
    const bad = masterKeyBase64.slice(0, -4) + "AAAAAA=="
    const result = PusherConfig.validate({ ...options, encryptionMasterKeyBase64: bad })
    expect(Result.isFailure(result)).toBe(true)
    const text = JSON.stringify(result) + String(Result.isFailure(result) ? result.failure : "")
    expect(text).not.toContain(bad)
    expect(text).not.toContain(masterKeyBase64.slice(0, 12))
  })
})
