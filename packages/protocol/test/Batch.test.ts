import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import * as Batch from "../src/Batch.js"

interface Queued {
  readonly id: number
  readonly channel: string
  readonly dropped?: boolean
}

const options = (maxBatch: number, busy: ReadonlySet<string> = new Set()) => ({
  maxBatch,
  channelOf: (event: Queued) => event.channel,
  busy: (channel: string) => busy.has(channel),
  dropped: (event: Queued) => event.dropped === true
})

const queue = (...channels: ReadonlyArray<string>): Array<Queued> => channels.map((channel, id) => ({ id, channel }))

const ids = (events: ReadonlyArray<Queued>) => events.map((event) => event.id)

describe("plan", () => {
  it("takes events in queue order, up to maxBatch", () => {
    const plan = Batch.plan(queue("a", "b", "c", "d"), options(3))
    expect([ids(plan.batch), ids(plan.rest)]).toEqual([[0, 1, 2], [3]])
  })

  it("never more than 10, whatever maxBatch says", () => {
    const plan = Batch.plan(queue(...Array.from({ length: 15 }, (_, i) => `c${i}`)), options(50))
    expect(plan.batch).toHaveLength(10)
    expect(plan.rest).toHaveLength(5)
  })

  it("never more than the app's maxEventsPerBatch when one is given", () => {
    const fifteen = queue(...Array.from({ length: 15 }, (_, i) => `c${i}`))
    expect(Batch.plan(fifteen, { ...options(50), maxEventsPerBatch: 12 }).batch).toHaveLength(12)
    expect(Batch.plan(fifteen, { ...options(50), maxEventsPerBatch: 20 }).batch).toHaveLength(15)
  })

  it("a busy channel's events wait, and so do the later events of a channel that had to wait", () => {
    const plan = Batch.plan(queue("a", "busy", "b", "busy", "a"), options(2, new Set(["busy"])))
    // a and b fill the batch; the second a waits (the batch is full) and keeps its place after the first.
    expect([ids(plan.batch), ids(plan.rest)]).toEqual([[0, 2], [1, 3, 4]])
  })

  it("dropped events leave the queue", () => {
    const events = [{ id: 0, channel: "a", dropped: true }, { id: 1, channel: "a" }]
    const plan = Batch.plan(events, options(10))
    expect([ids(plan.batch), ids(plan.rest)]).toEqual([[1], []])
  })

  it("stops scanning once the batch is full: the rest is kept as it is, in order, without being inspected", () => {
    const events: Array<Queued> = [
      ...queue("busy", "a", "b", "c"),
      { id: 4, channel: "d", dropped: true },
      { id: 5, channel: "busy" },
      { id: 6, channel: "e" }
    ]
    let inspected = 0
    const plan = Batch.plan(events, {
      ...options(3, new Set(["busy"])),
      channelOf: (event: Queued) => {
        inspected++
        return event.channel
      }
    })
    // busy waits, a b c fill the batch; the dropped event past the stop stays queued until a later plan reaches it.
    expect([ids(plan.batch), ids(plan.rest)]).toEqual([[1, 2, 3], [0, 4, 5, 6]])
    expect(inspected).toBe(4)
  })

  it("drains 10,000 queued events in plans that each inspect at most what they take and what waits", () => {
    let inspected = 0
    let rest = queue(...Array.from({ length: 10_000 }, (_, i) => `c${i % 64}`))
    const counting = {
      ...options(10),
      channelOf: (event: Queued) => {
        inspected++
        return event.channel
      }
    }
    let plans = 0
    while (rest.length > 0) {
      rest = Batch.plan(rest, counting).rest
      plans++
    }
    expect(plans).toBe(1_000)
    expect(inspected).toBe(10_000)
  })

  it("keeps each channel's order across the batch and the rest (fast-check)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom("a", "b", "c", "d"), { maxLength: 40 }),
        fc.integer({ min: 1, max: 10 }),
        fc.subarray(["a", "b", "c", "d"]),
        (channels, maxBatch, busy) => {
          const plan = Batch.plan(queue(...channels), options(maxBatch, new Set(busy)))
          expect(plan.batch.length).toBeLessThanOrEqual(maxBatch)
          expect([...ids(plan.batch), ...ids(plan.rest)].sort((x, y) => x - y)).toEqual(ids(queue(...channels)))
          for (const event of plan.batch) {
            expect(busy).not.toContain(event.channel)
            // Nothing of its channel stays queued before it.
            expect(plan.rest.some((other) => other.channel === event.channel && other.id < event.id)).toBe(false)
          }
        }
      )
    )
  })
})

describe("take", () => {
  const takeOptions = (maxBatch: number) => ({ maxBatch, dropped: (event: Queued) => event.dropped === true })

  it("takes events in queue order whatever their channels, up to maxBatch (at most 10)", () => {
    const events = queue("a", "a", "b", "a", "c")
    const taken = Batch.take(events, takeOptions(4))
    expect([ids(taken.batch), ids(events.slice(taken.next))]).toEqual([[0, 1, 2, 3], [4]])
    expect(Batch.take(queue(...Array.from({ length: 15 }, () => "a")), takeOptions(50)).batch).toHaveLength(10)
  })

  it("fills a batch with events of up to 10 different channels", () => {
    const plan = Batch.take(queue(...Array.from({ length: 12 }, (_, i) => `c${i}`)), takeOptions(10))
    expect(new Set(plan.batch.map((event) => event.channel)).size).toBe(10)
  })

  it("dropped events leave the queue and do not count", () => {
    const events = queue("a", "b", "c", "d").map((event) => ({ ...event, dropped: event.id < 2 }))
    const taken = Batch.take(events, takeOptions(1))
    expect([ids(taken.batch), ids(events.slice(taken.next))]).toEqual([[2], [3]])
  })

  it("takes from an index, so a queue is drained without copying what remains", () => {
    const events = queue("a", "b", "c", "d", "e")
    const first = Batch.take(events, takeOptions(2))
    const second = Batch.take(events, takeOptions(2), first.next)
    expect([ids(first.batch), ids(second.batch), second.next]).toEqual([[0, 1], [2, 3], 4])
  })

  it("never loses nor reorders an event that is not dropped (fast-check)", () => {
    fc.assert(fc.property(
      fc.array(fc.record({ channel: fc.constantFrom("a", "b", "c"), dropped: fc.boolean() })),
      fc.integer({ min: 1, max: 12 }),
      (items, maxBatch) => {
        const events = items.map((item, id) => ({ id, ...item }))
        const taken = Batch.take(events, takeOptions(maxBatch))
        expect(taken.batch.length).toBeLessThanOrEqual(Math.min(maxBatch, 10))
        expect(ids([...taken.batch, ...events.slice(taken.next).filter((event) => !event.dropped)])).toEqual(
          ids(events.filter((event) => !event.dropped))
        )
      }
    ))
  })
})

describe("isolates", () => {
  it("a batch of several refused with 400 or 413 is resent event by event", () => {
    expect([Batch.isolates(2, 400), Batch.isolates(2, 413), Batch.isolates(1, 400), Batch.isolates(2, 401)])
      .toEqual([true, true, false, false])
  })
})

describe("handles", () => {
  it("finds the batcher behind a handle it made, and none behind any other value", () => {
    const store = Batch.handles<{ readonly name: string }>()
    const a = { name: "a" }
    const handle = store.make(a)
    expect(store.get(handle)).toBe(a)
    expect(store.get(store.make({ name: "b" }))).toEqual({ name: "b" })
    // A forged handle, with the very symbol, and values past the types: no batcher, no throw.
    expect(store.get({ [Batch.HandleTypeId]: Batch.HandleTypeId })).toBeUndefined()
    fc.assert(fc.property(fc.anything(), (value) => {
      expect(store.get(value as Batch.Handle)).toBeUndefined()
    }))
    // Another store does not see this one's batchers.
    expect(Batch.handles<{ readonly name: string }>().get(handle)).toBeUndefined()
  })

  it("a handle shows nothing of its batcher", () => {
    const handle = Batch.handles<{ readonly secret: string }>().make({ secret: "s3cr3t" })
    expect(JSON.stringify(handle)).toBe("{}")
    expect(Object.getOwnPropertySymbols(handle)).toEqual([Batch.HandleTypeId])
  })
})
