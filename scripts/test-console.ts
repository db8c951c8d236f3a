// `pnpm test:console`: the emulator's debug console in a real headless browser. Serves the emulator on
// 127.0.0.1, opens `/` in Debian's `chromium` driven by playwright-core (which installs no browser of its
// own: `CHROMIUM` or /usr/bin/chromium, installed by `.ci/run` with apt), and checks what a developer sees:
// a REST trigger shows in the log, a presence member who joins over a real WebSocket appears in its channel
// and disappears when the socket closes, a client event is logged, user input (event data, member info) is
// shown as text and never runs, the secret is nowhere on the page, and the server stops with the console
// still open. Installs nothing. Prints one line per check, then `N passed, N failed`; exits non-zero on any
// failure, and fails (does not hang) when the browser is missing or a step takes too long.
import * as NodePusherTest from "@effect-pusher/platform-node/NodePusherTest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Scope from "effect/Scope"
import { existsSync } from "node:fs"
import * as Http from "node:http"
import type * as Net from "node:net"
import { type Browser, chromium, type Page } from "playwright-core"
import Pusher from "pusher"

const executablePath = process.env["CHROMIUM"] ?? "/usr/bin/chromium"
// Every wait is bounded; the whole run too, should the browser itself stop answering.
const stepMillis = 20_000
const runMillis = 240_000
const secret = "console-secret-must-not-show"

let passed = 0
let failed = 0
const results: Array<string> = []
const report = (name: string, error?: unknown) => {
  if (error === undefined) {
    passed++
    results.push(`ok - ${name}`)
  } else {
    failed++
    results.push(`not ok - ${name}: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`)
  }
  console.log(results[results.length - 1])
}
const finish = (): never => {
  console.log(`${passed} passed, ${failed} failed`)
  process.exit(failed === 0 ? 0 : 1)
}
const check = async (name: string, body: () => Promise<void>) => {
  try {
    await body()
    report(name)
  } catch (error) {
    report(name, error)
  }
}

const overall = setTimeout(() => {
  report("the run finishes", new Error(`still running after ${runMillis / 1000} s`))
  finish()
}, runMillis)

if (!existsSync(executablePath)) {
  report(
    "chromium is installed",
    new Error(`no browser at ${executablePath} (apt-get install -y chromium, or set CHROMIUM)`)
  )
  finish()
}

// The emulator, served on a free port until its scope closes.
const scope = Effect.runSync(Scope.make())
const served = await Effect.runPromise(
  Layer.buildWithScope(NodePusherTest.layer({ secret }), scope).pipe(
    Effect.map(Context.get(NodePusherTest.NodePusherTest))
  )
)
const pusher = new Pusher({ ...served.pusherOptions })

let browser: Browser | undefined
try {
  browser = await chromium.launch({
    executablePath,
    headless: true,
    timeout: 60_000,
    // As root (CI) Chromium needs --no-sandbox; /dev/shm is small in containers.
    args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"]
  })
  report("chromium starts")
} catch (error) {
  report("chromium starts", error)
  await Effect.runPromise(Scope.close(scope, Exit.void))
  finish()
}

const page: Page = await browser!.newPage()
page.setDefaultTimeout(stepMillis)
const pageErrors: Array<string> = []
page.on("pageerror", (error) => pageErrors.push(error.message))
// Set by the payloads below if the page ever ran them.
await page.addInitScript(() => {
  ;(globalThis as unknown as { injected: number }).injected = 0
})

await check("the console opens and goes live", async () => {
  await page.goto(`${served.url}/`)
  await page.waitForSelector("#status[data-status=live]")
  const app = await page.textContent("#app")
  if (!app?.includes(served.config.key)) throw new Error(`the app key is not shown: ${app}`)
})

const payload = `<img src=x onerror="globalThis.injected=1"><script>globalThis.injected=2</script>`

await check("a trigger through the REST API shows in the log", async () => {
  await pusher.trigger("orders", "order-placed", { id: 7, note: payload })
  const row = page.locator("#log li[data-kind=event]", { hasText: "order-placed" })
  await row.waitFor()
  const text = await row.textContent()
  if (!text?.includes("orders") || !text.includes("<img")) {
    throw new Error(`unexpected row: ${text}`)
  }
  await page.locator("#log li[data-kind=request]", { hasText: "/events" }).waitFor()
})

// A real socket from the browser, in a page of the app under test served on another local port, as a
// developer's app would be (Chromium's local network checks block sockets to 127.0.0.1 from pages that are
// not local themselves, and the console's own policy allows it no other connection).
const appServer = Http.createServer((_, response) => {
  response.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>app under test</title>")
})
await new Promise<void>((resolve) => appServer.listen(0, "127.0.0.1", resolve))
const appPage = `http://127.0.0.1:${(appServer.address() as Net.AddressInfo).port}/`
const client = await browser!.newPage()
client.setDefaultTimeout(stepMillis)
const socketUrl = `ws://127.0.0.1:${served.port}/app/${served.config.key}?protocol=7&client=js&version=8.6.0`

await check("a presence member who joins over a WebSocket appears in its channel", async () => {
  await client.goto(appPage)
  const socketId = await client.evaluate((url) =>
    new Promise<string>((resolve, reject) => {
      const socket = new WebSocket(url)
      ;(globalThis as unknown as { socket: WebSocket }).socket = socket
      socket.onmessage = (message) => {
        const frame = JSON.parse(String(message.data)) as { event: string; data: string }
        if (frame.event === "pusher:connection_established") {
          resolve((JSON.parse(frame.data) as { socket_id: string }).socket_id)
        }
      }
      socket.onerror = () => reject(new Error("the socket failed"))
    }), socketUrl)
  const channel = "presence-room"
  const auth = pusher.authorizeChannel(socketId, channel, { user_id: "alice", user_info: { name: payload } })
  await client.evaluate(({ auth, channel }) =>
    new Promise<void>((resolve, reject) => {
      const socket = (globalThis as unknown as { socket: WebSocket }).socket
      socket.onmessage = (message) => {
        const frame = JSON.parse(String(message.data)) as { event: string }
        if (frame.event === "pusher_internal:subscription_succeeded") resolve()
        if (frame.event === "pusher:error" || frame.event === "pusher:subscription_error") {
          reject(new Error(String(message.data)))
        }
      }
      socket.send(JSON.stringify({ event: "pusher:subscribe", data: { channel, ...auth } }))
    }), { auth, channel })
  const member = page.locator(`#channels [data-channel="${channel}"] li.member[data-user-id="alice"]`)
  await member.waitFor()
  const info = await member.textContent()
  if (!info?.includes("<img")) throw new Error(`the member's info is not shown as text: ${info}`)
  const row = page.locator("#connections tbody tr", { hasText: socketId })
  if (!(await row.textContent())?.includes("socket")) throw new Error("the connection is not shown as a real socket")
})

await check("a client event shows in the log", async () => {
  await client.evaluate(() => {
    const socket = (globalThis as unknown as { socket: WebSocket }).socket
    socket.send(JSON.stringify({ event: "client-typing", channel: "presence-room", data: { text: "hi" } }))
  })
  await page.locator("#log li[data-kind=client]", { hasText: "client-typing" }).waitFor()
})

await check("the member disappears when the socket closes", async () => {
  await client.evaluate(() => (globalThis as unknown as { socket: WebSocket }).socket.close())
  await page.locator(`#channels [data-channel="presence-room"]`).waitFor({ state: "detached" })
  await page.locator("#log li[data-kind=webhook]", { hasText: "member_removed presence-room alice" }).waitFor()
})

await check("user input is shown as text and never runs", async () => {
  const injected = await page.evaluate(() => (globalThis as unknown as { injected: number }).injected)
  if (injected !== 0) throw new Error(`a payload ran (${injected})`)
  const images = await page.locator("#log img, #channels img, #log script, #channels script").count()
  if (images !== 0) throw new Error(`${images} element(s) were made from user input`)
  if (pageErrors.length > 0) throw new Error(`errors on the page: ${pageErrors.join("; ")}`)
})

await check("the secret is nowhere on the page or in its feed", async () => {
  const html = await page.content()
  const feed = await page.evaluate(async () => {
    const controller = new AbortController()
    const response = await fetch("/_console/events", { signal: controller.signal })
    const reader = response.body!.getReader()
    const { value } = await reader.read()
    controller.abort()
    return new TextDecoder().decode(value)
  })
  if (!feed.startsWith("event: snapshot")) {
    throw new Error(`the feed did not start with a snapshot: ${feed.slice(0, 80)}`)
  }
  for (const [where, text] of [["page", html], ["feed", feed]] as const) {
    if (text.includes(secret)) throw new Error(`the secret is in the ${where}`)
  }
})

await check("the server stops with the console still open", async () => {
  const stopped = await Promise.race([
    Effect.runPromise(Scope.close(scope, Exit.void)).then(() => true),
    new Promise<false>((resolve) => setTimeout(() => resolve(false), stepMillis))
  ])
  if (!stopped) throw new Error(`not stopped after ${stepMillis / 1000} s`)
  await page.waitForSelector("#status[data-status=connecting]")
})

await browser!.close()
appServer.close()
clearTimeout(overall)
finish()
