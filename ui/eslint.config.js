// The UI's lint policy (`npm run lint`, run by `make lint`): no way for a string to become
// markup or code. Every element is built by h() in src/dom.ts with text through text nodes;
// these rules close the doors round it. src/lint.test.ts proves each rule bites, on
// lint-fixtures/unsafe-dom.ts. docs/ARCHITECTURE.md, "Lint policy".
import tsParser from "@typescript-eslint/parser";

const MARKUP = "turns a string into markup: build elements with h() (src/dom.ts), text through text nodes";
// No drop-down lists: a native <select> without a size opens a pop-up menu that takes the
// keyboard, so quick exit (Ctrl+Shift+L) could not reach the page while it is open.
const DROP_DOWN = "makes a drop-down list, whose pop-up takes the keyboard from quick exit: use radios() or listBox() (src/dom.ts)";

export default [
  { ignores: ["dist/**", "node_modules/**", "lint-fixtures/**"] },
  {
    files: ["**/*.ts", "**/*.js", "**/*.mjs"],
    languageOptions: {
      parser: tsParser,
      ecmaVersion: "latest",
      sourceType: "module",
      // The browser globals the eval rules look for (window.eval, setTimeout("code")).
      globals: { window: "readonly", self: "readonly", globalThis: "readonly", document: "readonly", setTimeout: "readonly", setInterval: "readonly" },
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      "no-eval": "error",
      "no-implied-eval": "error",
      "no-new-func": "error",
      "no-restricted-properties": [
        "error",
        { object: "document", property: "write", message: `document.write ${MARKUP}` },
        { object: "document", property: "writeln", message: `document.writeln ${MARKUP}` },
      ],
      "no-restricted-syntax": [
        "error",
        ...["innerHTML", "outerHTML", "insertAdjacentHTML", "setHTMLUnsafe", "createContextualFragment", "parseFromString"].flatMap((name) => [
          { selector: `MemberExpression[property.name="${name}"]`, message: `${name} ${MARKUP}` },
          { selector: `MemberExpression[computed=true][property.value="${name}"]`, message: `${name} ${MARKUP}` },
        ]),
        // h("select", { ..., size: n, ... }) is the only select allowed (a list box).
        { selector: `CallExpression[callee.name="h"][arguments.0.value=/^select$/i] > ObjectExpression:not(:has(> Property[key.name="size"]))`, message: `a <select> without a size ${DROP_DOWN}` },
        { selector: `CallExpression[callee.name="h"][arguments.0.value=/^select$/i]:not([arguments.1.type="ObjectExpression"])`, message: `a <select> without a size ${DROP_DOWN}` },
        { selector: `CallExpression[callee.property.name="createElement"][arguments.0.value=/^select$/i]`, message: `createElement("select") ${DROP_DOWN}` },
        { selector: `CallExpression[callee.name="select"]`, message: `select() ${DROP_DOWN}` },
      ],
    },
  },
];
