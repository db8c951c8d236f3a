import { suite } from "./checks.js"

suite("effect-http-server", { user_info: { name: "Ada Lovelace" } }, { trigger: true })
