import { describe, expect, it } from "@effect/vitest"
import { isIP } from "node:net"
import * as EmulatorServing from "../src/EmulatorServing.js"

describe("EmulatorServing", () => {
  it("checks a port: an integer from 0 to 65535", () => {
    for (const port of [0, 1, 8080, 65535]) {
      expect(EmulatorServing.parsePort("port", port)).toEqual({ ok: true, value: port })
    }
    for (const port of [-1, 65536, 1.5, "80", Number.NaN, undefined]) {
      expect(EmulatorServing.parsePort("port", port)).toEqual({
        ok: false,
        error: { field: "port", rule: EmulatorServing.portRule }
      })
    }
  })

  it("checks an address: localhost or an IP address", () => {
    for (const hostname of ["localhost", "127.0.0.1", "0.0.0.0", "::1", "::"]) {
      expect(EmulatorServing.parseHostname("hostname", hostname, isIP)).toEqual({ ok: true, value: hostname })
    }
    for (const hostname of ["example.com", "", "127.0.0", 1]) {
      expect(EmulatorServing.parseHostname("hostname", hostname, isIP)).toEqual({
        ok: false,
        error: { field: "hostname", rule: EmulatorServing.hostnameRule }
      })
    }
  })

  it("parses a webhook URL: absolute http: or https: only", () => {
    const parsed = EmulatorServing.parseWebhookUrl("webhookUrl", "http://127.0.0.1:3000/hooks?token=t")
    expect(parsed.ok && parsed.value.href).toBe("http://127.0.0.1:3000/hooks?token=t")
    expect(EmulatorServing.parseWebhookUrl("webhookUrl", "https://example.com/").ok).toBe(true)
    for (const value of ["ftp://127.0.0.1/hooks", "/hooks", "", 42, undefined]) {
      expect(EmulatorServing.parseWebhookUrl("webhookUrl", value)).toEqual({
        ok: false,
        error: { field: "webhookUrl", rule: EmulatorServing.webhookUrlRule }
      })
    }
  })

  it("dials the loopback address of an unspecified one, and brackets IPv6 in URLs", () => {
    expect(["0.0.0.0", "::", "127.0.0.1", "::1", "localhost"].map(EmulatorServing.connectTo)).toEqual([
      "127.0.0.1",
      "::1",
      "127.0.0.1",
      "::1",
      "localhost"
    ])
    expect(["127.0.0.1", "::1", "localhost"].map(EmulatorServing.urlHost)).toEqual(["127.0.0.1", "[::1]", "localhost"])
  })
})
