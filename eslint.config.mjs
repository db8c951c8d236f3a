import effectPlugin from "@effect/eslint-plugin"
import js from "@eslint/js"
import tseslint from "typescript-eslint"

// The Effect 4 line (packages/effect4) must never import `@effect/platform`: it is gone in Effect 4, and Node's
// resolution walks up to the root's node_modules, where the Effect 3 one would be found silently.
const noEffect3Platform = {
  group: ["@effect/platform", "@effect/platform/*"],
  message: "@effect/platform is Effect 3's (the root's): on the Effect 4 line use effect/http/* or effect/socket/*."
}
const noNode = (message) => ({ group: ["node:*"], message })

export default tseslint.config(
  {
    ignores: ["**/dist/**", "**/build/**", "**/node_modules/**", "test/soketi/**", "**/*.d.ts", ".cache/**"]
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { "@effect": effectPlugin },
    languageOptions: { ecmaVersion: 2022, sourceType: "module" },
    rules: {
      "@effect/dprint": [
        "error",
        {
          config: {
            indentWidth: 2,
            lineWidth: 120,
            semiColons: "asi",
            quoteStyle: "alwaysDouble",
            trailingCommas: "never",
            operatorPosition: "maintain",
            "arrowFunction.useParentheses": "force"
          }
        }
      ],
      "@typescript-eslint/no-explicit-any": "error",
      // Effect's idiom: `interface X extends Schema.Schema.Type<typeof X> {}` gives a schema's type a name.
      "@typescript-eslint/no-empty-object-type": ["error", { allowInterfaces: "with-single-extends" }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "no-restricted-syntax": [
        "error",
        { selector: "ThrowStatement", message: "Nothing in src throws: fail with a typed error." }
      ]
    }
  },
  {
    files: ["packages/effect4/**/*.ts", "packages/effect4/**/*.mjs"],
    rules: { "no-restricted-imports": ["error", { patterns: [noEffect3Platform] }] }
  },
  {
    files: ["packages/core/src/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [noNode("core stays runtime-agnostic: Node code lives in platform-node.")]
        }
      ],
      "no-restricted-globals": ["error", { name: "Buffer", message: "core stays runtime-agnostic." }]
    }
  },
  {
    // The same rule as the Effect 3 core's, with the Effect 4 line's one (a later block replaces a rule's
    // options, so both are listed).
    files: ["packages/effect4/core/src/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [noNode("core stays runtime-agnostic: Node code lives in platform-node."), noEffect3Platform]
        }
      ],
      "no-restricted-globals": ["error", { name: "Buffer", message: "core stays runtime-agnostic." }]
    }
  },
  {
    files: ["packages/protocol/src/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["node:*"], message: "protocol runs on every runtime." },
            {
              group: ["effect", "effect/*", "@effect/*"],
              message: "protocol imports nothing from effect: both Effect majors share it."
            },
            { group: ["tweetnacl", "@noble/*"], message: "protocol takes its crypto as plain functions." }
          ]
        }
      ],
      "no-restricted-globals": ["error", { name: "Buffer", message: "protocol runs on every runtime." }]
    }
  },
  {
    files: ["scripts/**/*.mjs"],
    languageOptions: {
      globals: { process: "readonly", console: "readonly", setTimeout: "readonly", clearTimeout: "readonly" }
    }
  },
  {
    files: [
      "**/test/**/*.ts",
      "scripts/**/*.ts",
      "packages/effect4/infra/**/*.ts",
      "**/vitest.config.ts",
      "eslint.config.mjs"
    ],
    rules: { "no-restricted-syntax": "off" }
  }
)
