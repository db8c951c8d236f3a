/**
 * Events triggered through the library reach real pusher-js clients through soketi, with the right data,
 * on public, private, presence and encrypted channels.
 */
import { Pusher } from "@effect-pusher/core"
import { expect, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { E2E, layer as e2e, profile } from "./harness/environment.js"

layer(e2e, { timeout: "30 seconds", excludeTestServices: true })("trigger", (it) => {
  it.effect("a public channel receives object and string data", () =>
    Effect.gen(function*() {
      const { connect } = yield* E2E
      const client = yield* connect()
      const channel = yield* client.subscribe("orders")
      const created = client.record(channel, "created")
      const note = client.record(channel, "note")
      yield* Pusher.trigger("orders", "created", { id: 42, items: ["a", "b"], unicode: "žluťoučký 🐎" })
      yield* Pusher.trigger("orders", "note", "plain text")
      expect(yield* created.atLeast(1)).toEqual([{ id: 42, items: ["a", "b"], unicode: "žluťoučký 🐎" }])
      expect(yield* note.atLeast(1)).toEqual(["plain text"])
    }))

  it.effect("a private channel is authorized through the auth endpoint and receives events", () =>
    Effect.gen(function*() {
      const { auth, connect } = yield* E2E
      const client = yield* connect()
      const channel = yield* client.subscribe("private-invoices")
      expect(auth.requests).toContainEqual({ path: "/pusher/auth", socketId: client.socketId, mode: "allow" })
      const paid = client.record(channel, "paid")
      yield* Pusher.trigger("private-invoices", "paid", { invoice: 7 })
      expect(yield* paid.atLeast(1)).toEqual([{ invoice: 7 }])
    }))

  it.effect("a presence channel shows its members and receives events", () =>
    Effect.gen(function*() {
      const { connect } = yield* E2E
      const alice = yield* connect({ userId: "alice" })
      const bob = yield* connect({ userId: "bob" })
      yield* alice.subscribe("presence-room")
      const channel = yield* bob.subscribe("presence-room")
      expect(bob.members(channel)).toEqual(["alice", "bob"])
      const said = bob.record(channel, "said")
      yield* Pusher.trigger("presence-room", "said", { text: "hi" })
      expect(yield* said.atLeast(1)).toEqual([{ text: "hi" }])
    }))

  it.effect("an encrypted channel receives data that pusher-js decrypts with the shared secret", () =>
    Effect.gen(function*() {
      const { connect } = yield* E2E
      const client = yield* connect()
      const channel = yield* client.subscribe("private-encrypted-vault")
      const secret = client.record(channel, "secret")
      yield* Pusher.trigger("private-encrypted-vault", "secret", { pin: "1234" })
      yield* Pusher.trigger("private-encrypted-vault", "secret", "a string, sealed as JSON")
      expect(yield* secret.atLeast(2)).toEqual([{ pin: "1234" }, "a string, sealed as JSON"])
    }))

  it.effect("socketId excludes the triggering connection only", () =>
    Effect.gen(function*() {
      const { connect } = yield* E2E
      const sender = yield* connect()
      const other = yield* connect()
      const senderEvents = sender.record(yield* sender.subscribe("chat"), "message")
      const otherEvents = other.record(yield* other.subscribe("chat"), "message")
      yield* Pusher.trigger("chat", "message", { n: 1 }, { socketId: sender.socketId })
      // soketi delivers in order per connection: once the second event is in, the first would have been too.
      yield* Pusher.trigger("chat", "message", { n: 2 })
      expect(yield* otherEvents.atLeast(2)).toEqual([{ n: 1 }, { n: 2 }])
      expect(yield* senderEvents.atLeast(1)).toEqual([{ n: 2 }])
    }))

  it.effect("a trigger to several channels reaches each of them", () =>
    Effect.gen(function*() {
      const { connect } = yield* E2E
      const client = yield* connect()
      const names = ["multi-a", "private-multi-b", "presence-multi-c"]
      const recorders = []
      for (const name of names) recorders.push(client.record(yield* client.subscribe(name), "ping"))
      yield* Pusher.trigger(names, "ping", { to: "all" })
      for (const recorder of recorders) expect(yield* recorder.atLeast(1)).toEqual([{ to: "all" }])
    }))

  it.effect("triggerBatch delivers every event, encrypted ones decrypted", () =>
    Effect.gen(function*() {
      const { connect } = yield* E2E
      const sender = yield* connect()
      const client = yield* connect()
      const plain = client.record(yield* client.subscribe("batch-plain"), "b")
      const priv = client.record(yield* client.subscribe("private-batch"), "b")
      const sealed = client.record(yield* client.subscribe("private-encrypted-batch"), "b")
      const fromSender = sender.record(yield* sender.subscribe("batch-plain"), "b")
      yield* Pusher.triggerBatch([
        { channel: "batch-plain", name: "b", data: { i: 1 }, socketId: sender.socketId },
        { channel: "private-batch", name: "b", data: { i: 2 } },
        { channel: "private-encrypted-batch", name: "b", data: { i: 3 } },
        { channel: "batch-plain", name: "b", data: "four" }
      ])
      expect(yield* plain.atLeast(2)).toEqual([{ i: 1 }, "four"])
      expect(yield* priv.atLeast(1)).toEqual([{ i: 2 }])
      expect(yield* sealed.atLeast(1)).toEqual([{ i: 3 }])
      expect(yield* fromSender.atLeast(1)).toEqual(["four"])
    }))

  it.effect("asking for info is accepted, though soketi answers without it", () =>
    Effect.gen(function*() {
      const { connect } = yield* E2E
      const client = yield* connect()
      const events = client.record(yield* client.subscribe("with-info"), "e")
      const result = yield* Pusher.trigger("with-info", "e", { n: 1 }, { info: ["subscription_count"] })
      // soketi 1.6.1 ignores `info` and answers {"ok": true}: the result simply has no channels.
      expect(result).toEqual(profile.answersInfo ? { channels: { "with-info": { subscriptionCount: 1 } } } : {})
      const batch = yield* Pusher.triggerBatch([{
        channel: "with-info",
        name: "e",
        data: { n: 2 },
        info: ["user_count"]
      }])
      expect(batch).toEqual(profile.answersInfo ? { batch: [{}] } : {})
      expect(yield* events.atLeast(2)).toEqual([{ n: 1 }, { n: 2 }])
    }))
})
