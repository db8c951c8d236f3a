import { suite } from "./checks.js"

suite("node-http", { user_info: { name: "Ada Lovelace" } })
