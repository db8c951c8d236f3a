/**
 * soketi's webhooks (occupied, vacated, member added/removed, client events) reach the suite's receiver,
 * verify with the library, and come out of `Webhook.receive` as typed events; a client event on an
 * encrypted channel comes out decrypted. A tampered request is rejected.
 */
import { Pusher, PusherError, Webhook } from "@effect-pusher/core"
import { expect, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import nacl from "tweetnacl"
import { E2E, layer as e2e } from "./harness/environment.js"
import { waitUntil } from "./harness/wait.js"
import type { ReceivedWebhook } from "./harness/webhookReceiver.js"

/**
 * Runs the raw requests through `Webhook.receive` in the background; `waitFor` finds an event there and
 * the same event out of the library's webhook endpoint (`PusherEndpoints.webhookStream`).
 */
const typedEvents = Effect.gen(function*() {
  const { endpointEvents, webhooks } = yield* E2E
  const events: Array<Webhook.WebhookEvent> = []
  yield* webhooks.stream.pipe(
    Webhook.receive({ onInvalid: "fail" }),
    Stream.runForEach((event) => Effect.sync(() => events.push(event))),
    Effect.forkScoped
  )
  const waitFor = <A extends Webhook.WebhookEvent>(what: string, match: (event: Webhook.WebhookEvent) => event is A) =>
    waitUntil(`the ${what} webhook, from Webhook.receive and from the endpoint`, () => {
      const received = events.find(match)
      const fromEndpoint = endpointEvents.find(match)
      if (received === undefined || fromEndpoint === undefined) return undefined
      expect(fromEndpoint).toEqual(received)
      return received
    })
  return { events, waitFor }
})

const is =
  <T extends Webhook.WebhookEvent["_tag"]>(tag: T, fields: Record<string, unknown>) =>
  (event: Webhook.WebhookEvent): event is Extract<Webhook.WebhookEvent, { _tag: T }> =>
    event._tag === tag &&
    Object.entries(fields).every(([key, value]) => (event as Record<string, unknown>)[key] === value)

layer(e2e, { timeout: "30 seconds", excludeTestServices: true })("webhooks", (it) => {
  it.effect("channel_occupied and channel_vacated", () =>
    Effect.gen(function*() {
      const { connect } = yield* E2E
      const { waitFor } = yield* typedEvents
      const client = yield* connect()
      yield* client.subscribe("wh-lifecycle")
      expect(yield* waitFor("occupied", is("ChannelOccupied", { channel: "wh-lifecycle" }))).toEqual({
        _tag: "ChannelOccupied",
        channel: "wh-lifecycle"
      })
      client.pusher.unsubscribe("wh-lifecycle")
      expect(yield* waitFor("vacated", is("ChannelVacated", { channel: "wh-lifecycle" }))).toEqual({
        _tag: "ChannelVacated",
        channel: "wh-lifecycle"
      })
    }))

  it.effect("member_added and member_removed", () =>
    Effect.gen(function*() {
      const { connect } = yield* E2E
      const { waitFor } = yield* typedEvents
      const liam = yield* connect({ userId: "liam" })
      const mia = yield* connect({ userId: "mia" })
      yield* liam.subscribe("presence-wh")
      yield* mia.subscribe("presence-wh")
      for (const userId of ["liam", "mia"]) {
        expect(yield* waitFor(`member_added ${userId}`, is("MemberAdded", { channel: "presence-wh", userId })))
          .toEqual({ _tag: "MemberAdded", channel: "presence-wh", userId })
      }
      mia.pusher.unsubscribe("presence-wh")
      expect(yield* waitFor("member_removed", is("MemberRemoved", { channel: "presence-wh", userId: "mia" })))
        .toEqual({ _tag: "MemberRemoved", channel: "presence-wh", userId: "mia" })
    }))

  it.effect("client events on private and presence channels", () =>
    Effect.gen(function*() {
      const { connect } = yield* E2E
      const { waitFor } = yield* typedEvents
      const noah = yield* connect({ userId: "noah" })
      const priv = yield* noah.subscribe("private-wh-chat")
      const presence = yield* noah.subscribe("presence-wh-chat")
      priv.trigger("client-typing", { typing: true })
      presence.trigger("client-wave", { to: "everyone" })
      const typing = yield* waitFor("client_event", is("ClientEvent", { channel: "private-wh-chat" }))
      expect(typing).toMatchObject({ event: "client-typing", socketId: noah.socketId })
      expect(typeof typing.data === "string" ? JSON.parse(typing.data) : typing.data).toEqual({ typing: true })
      expect(typing.userId).toBeUndefined()
      const wave = yield* waitFor("presence client_event", is("ClientEvent", { channel: "presence-wh-chat" }))
      expect(wave).toMatchObject({ event: "client-wave", socketId: noah.socketId, userId: "noah" })
    }))

  it.effect("a client event on an encrypted channel comes out decrypted", () =>
    Effect.gen(function*() {
      const { connect } = yield* E2E
      const { waitFor } = yield* typedEvents
      const olga = yield* connect()
      const peer = yield* connect()
      yield* olga.subscribe("private-encrypted-wh")
      const atPeer = peer.record(yield* peer.subscribe("private-encrypted-wh"), "client-secret")
      // pusher-js refuses client events on encrypted channels, so seal like a client with the shared secret.
      const { shared_secret } = yield* Pusher.authorizeChannel(olga.socketId, "private-encrypted-wh")
      const nonce = nacl.randomBytes(nacl.secretbox.nonceLength)
      const plaintext = new TextEncoder().encode(JSON.stringify({ pin: "4321" }))
      const ciphertext = nacl.secretbox(plaintext, nonce, Buffer.from(shared_secret!, "base64"))
      const envelope = JSON.stringify({
        nonce: Buffer.from(nonce).toString("base64"),
        ciphertext: Buffer.from(ciphertext).toString("base64")
      })
      olga.pusher.send_event("client-secret", envelope, "private-encrypted-wh")
      const event = yield* waitFor("encrypted client_event", is("ClientEvent", { channel: "private-encrypted-wh" }))
      expect(event).toMatchObject({ event: "client-secret", socketId: olga.socketId, data: { pin: "4321" } })
      // The other subscriber's pusher-js decrypts the same event with the key our endpoint handed out.
      expect(yield* atPeer.atLeast(1)).toEqual([{ pin: "4321" }])
    }))

  it.effect("a tampered or foreign webhook is rejected", () =>
    Effect.gen(function*() {
      const { connect, webhooks } = yield* E2E
      const client = yield* connect()
      yield* client.subscribe("wh-tamper")
      const original: ReceivedWebhook = yield* webhooks.waitFor(
        "a webhook about wh-tamper",
        (request) => request.body.includes("\"wh-tamper\"")
      )
      expect(yield* Webhook.verify(original)).toMatchObject({
        events: [{ _tag: "ChannelOccupied", channel: "wh-tamper" }]
      })
      const tampered = { ...original, body: original.body.replace("wh-tamper", "wh-tamperX") }
      const mismatch = yield* Effect.flip(Webhook.verify(tampered))
      expect(mismatch).toBeInstanceOf(PusherError.WebhookError)
      expect(mismatch.reason).toBe("SignatureMismatch")
      const foreign = { ...original, headers: { ...original.headers, "x-pusher-key": "someone-else" } }
      expect((yield* Effect.flip(Webhook.verify(foreign))).reason).toBe("UnknownKey")
    }))
})
