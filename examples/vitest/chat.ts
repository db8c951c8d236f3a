/**
 * The server side of a chat room, the code under test in `chat.test.ts`: it posts messages to a presence
 * channel, keeps who is online from Pusher's webhooks, and can ban a user.
 */
import { Pusher, Webhook } from "@effect-pusher/core"
import { Context, Effect, HashSet, Layer, Ref } from "effect"

export interface Message {
  readonly from: string
  readonly text: string
}

/** Sends a message to everyone in the room except the sender's own connection (when it is given). */
export const postMessage = (room: string, message: Message, senderSocketId?: string) =>
  Pusher.trigger(`presence-${room}`, "message", message, { socketId: senderSocketId })

/** Who is online, as the webhooks tell. */
export class Online extends Context.Tag("chat/Online")<Online, Ref.Ref<HashSet.HashSet<string>>>() {
  static readonly layer = Layer.effect(Online, Ref.make(HashSet.empty<string>()))
}

/** The users online now. */
export const whoIsOnline = Effect.flatMap(Online, Ref.get)

/** The webhook handler: verifies the request, then follows members coming and going. */
export const onWebhook = (request: Webhook.WebhookRequest) =>
  Effect.gen(function*() {
    const payload = yield* Webhook.verify(request, { maxAge: "5 minutes" })
    const online = yield* Online
    for (const event of payload.events) {
      if (event._tag === "MemberAdded") yield* Ref.update(online, HashSet.add(event.userId))
      if (event._tag === "MemberRemoved") yield* Ref.update(online, HashSet.remove(event.userId))
    }
  })

/** Bans a user: tells the room, then closes every connection the user signed in with. */
export const ban = (room: string, userId: string) =>
  Effect.zipRight(
    Pusher.trigger(`presence-${room}`, "banned", { userId }),
    Pusher.terminateUserConnections(userId)
  )
