import * as EmulatorConsoleFeed from "@effect-pusher/protocol/EmulatorConsoleFeed"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import * as SynchronizedRef from "effect/SynchronizedRef"
import type { Emulator } from "./emulator.js"
import type { Log } from "./log.js"

/**
 * What one console may cost (see `EmulatorConsoleFeed.limits`), with its two waits as durations.
 *
 * @internal
 */
export const limits = {
  ...EmulatorConsoleFeed.limits,
  stateInterval: Duration.millis(EmulatorConsoleFeed.limits.stateIntervalMillis),
  keepAlive: Duration.millis(EmulatorConsoleFeed.limits.keepAliveMillis)
} as const

const views = (emulator: Emulator, seen: number): Stream.Stream<string> =>
  Stream.unfoldEffect({ seen, pause: false }, (last) =>
    // The pause comes before waiting for the next change, so the view sent is read when it is sent.
    Effect.zipRight(last.pause ? Effect.sleep(limits.stateInterval) : Effect.void, emulator.changed.after(last.seen))
      .pipe(
        Effect.zipWith(SynchronizedRef.get(emulator.state), (version, state) =>
          Option.some(
            [EmulatorConsoleFeed.frame("state", EmulatorConsoleFeed.stateView(state, emulator.outlets)), {
              seen: version,
              pause: true
            }] as const
          ))
      ))

/**
 * The console's feed as Server-Sent Events: a `snapshot` (the app, the state and the recent log), then a
 * `state` view whenever the state has changed and a `log` entry for each new REST call, event and webhook,
 * until the stream is interrupted (the client went, or the server is closing).
 *
 * @internal
 */
export const feed = (emulator: Emulator): Stream.Stream<string> =>
  Stream.unwrap(Effect.gen(function*() {
    // Read the positions with the state: what follows the snapshot is what happened after it.
    const seen = emulator.changed.current
    const state = yield* SynchronizedRef.get(emulator.state)
    const { events, requests, webhooks } = emulator
    const positions = { events: events.end, requests: requests.end, webhooks: webhooks.end }
    const snapshot = EmulatorConsoleFeed.snapshot(emulator.config, state, emulator.outlets, {
      requests: requests.last(limits.history),
      events: events.last(limits.history),
      webhooks: webhooks.last(limits.history)
    })
    // Each log is read from where the snapshot left it, a batch (one write) at a time when the feed is ready
    // for more.
    const follow = <A>(
      log: Log<A>,
      position: number,
      entries: (a: A) => ReadonlyArray<EmulatorConsoleFeed.Entry>
    ) =>
      Stream.map(
        log.following(position, limits.logBatch),
        (batch) => EmulatorConsoleFeed.logFrames(batch.skipped, batch.entries.flatMap(entries))
      )
    const beats = Stream.as(Stream.fromSchedule(Schedule.spaced(limits.keepAlive)), EmulatorConsoleFeed.keepAlive)
    return Stream.concat(
      Stream.succeed(snapshot),
      // A small merge buffer: what waits here is already read (a batch is one element).
      Stream.mergeAll([
        views(emulator, seen),
        follow(requests, positions.requests, (request) => [EmulatorConsoleFeed.fromRequest(request)]),
        follow(events, positions.events, (event) => [EmulatorConsoleFeed.fromEvent(event)]),
        follow(webhooks, positions.webhooks, EmulatorConsoleFeed.fromWebhook),
        beats
      ], { concurrency: "unbounded", bufferSize: 2 })
    )
  }))
