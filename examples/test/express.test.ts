import { suite } from "./checks.js"

suite("express", {}, { trigger: true })
