/**
 * The command's arguments and environment: flags win over variables, every problem is one message that
 * names what the user wrote (a flag or a variable) and its rule, and never repeats a secret or a URL.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import * as Cli from "../src/internal/cli.js"

const problem = (argv: ReadonlyArray<string>, env: Record<string, string> = {}) =>
  Either.match(Cli.parse(argv, env), { onLeft: (error) => error.message, onRight: () => "accepted" })

describe("effect-pusher-emulator arguments", () => {
  it("defaults to the test app on 127.0.0.1:4000, without webhooks", () => {
    const settings = Either.getOrThrow(Cli.parse([], {}))
    expect(settings).not.toBe("help")
    if (settings === "help") return
    expect({ ...settings, secret: Redacted.value(settings.secret) }).toEqual({
      port: 4000,
      hostname: "127.0.0.1",
      appId: "123456",
      key: "test-key",
      secret: "test-secret",
      webhookUrl: undefined
    })
  })

  it("reads --flag value, --flag=value and the environment; a flag wins over its variable", () => {
    const settings = Either.getOrThrow(Cli.parse(
      ["--port=0", "--host", "::1", "--key", "k1", "--webhook-url", "http://127.0.0.1:3000/hooks"],
      { PORT: "5000", PUSHER_KEY: "k2", PUSHER_APP_ID: "42", PUSHER_SECRET: "s" }
    ))
    if (settings === "help") throw new Error("help")
    expect([settings.port, settings.hostname, settings.key, settings.appId, Redacted.value(settings.secret)])
      .toEqual([0, "::1", "k1", "42", "s"])
    expect(settings.webhookUrl).toBe("http://127.0.0.1:3000/hooks")
    expect(Cli.parse(["--port", "1", "-h"], {})).toEqual(Either.right("help"))
  })

  it("refuses what it cannot use, naming the flag or the variable and the rule", () => {
    expect(problem(["--port", "abc"])).toBe("--port must be an integer from 0 (any free port) to 65535, got \"abc\"")
    expect(problem(["--port", "1e3"])).toContain("--port must be an integer")
    expect(problem([], { PORT: "65536" })).toBe(
      "PORT must be an integer from 0 (any free port) to 65535, got \"65536\""
    )
    expect(problem(["--host", "example.com"])).toContain("--host must be an IPv4 or IPv6 address")
    expect(problem(["--app-id", "a/b"])).toContain("--app-id must be a non-negative integer or 1-100 characters")
    expect(problem([], { PUSHER_KEY: "a:b" })).toContain("PUSHER_KEY must be 1-200 characters")
    expect(problem(["--secret="])).toBe("--secret must be a non-empty string")
    expect(problem(["--port"])).toBe("--port needs a value: --port <port>")
    expect(problem(["--port", "--host", "::1"])).toBe("--port needs a value: --port <port>")
    expect(problem(["--port", "1", "--port", "2"])).toBe("--port is given twice")
    expect(problem(["--verbose"])).toBe("unknown option --verbose")
    expect(problem(["4000"])).toBe("unexpected argument \"4000\"")
  })

  it("never repeats a secret or a webhook URL (which may carry credentials) in a message", () => {
    expect(problem(["--webhook-url", "ftp://user:hunter2@host/x"])).toBe(
      "--webhook-url must be an absolute http: or https: URL (such as http://127.0.0.1:3000/webhooks)"
    )
    expect(problem([], { PUSHER_SECRET: "", PUSHER_WEBHOOK_URL: "nope-hunter2" })).not.toContain("hunter2")
  })

  it("prints PUSHER_URL with the key and secret escaped, and the pusher-js options", () => {
    const served = {
      hostname: "127.0.0.1",
      port: 4001,
      url: "http://127.0.0.1:4001",
      config: { appId: "1", key: "k", secret: "s" },
      pusherOptions: { appId: "1", key: "k", secret: "s:@/", host: "127.0.0.1", port: "4001", useTLS: false }
    } as const
    expect(Cli.pusherUrl(served)).toBe("http://k:s%3A%40%2F@127.0.0.1:4001/apps/1")
    expect(Cli.pusherJsOptions(served)).toEqual({
      cluster: "mt1",
      wsHost: "127.0.0.1",
      wsPort: 4001,
      wssPort: 4001,
      forceTLS: false,
      enabledTransports: ["ws"]
    })
  })
})
