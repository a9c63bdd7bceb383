import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

// `npm run lint` (eslint.config.js) must refuse every way for a string to become markup or
// code, and every drop-down list (a <select> without a size: its pop-up takes the keyboard
// from quick exit). lint-fixtures/unsafe-dom.ts holds one of each, each line marked "banned"; linted as
// if it were a file of src/, every marked line is reported and no other.
const ui = fileURLToPath(new URL("..", import.meta.url));
const fixture = readFileSync(fileURLToPath(new URL("../lint-fixtures/unsafe-dom.ts", import.meta.url)), "utf8");

describe("the UI linter", () => {
  it("reports each banned construct of the fixture, and nothing else", async () => {
    const [result] = await new ESLint({ cwd: ui }).lintText(fixture, { filePath: `${ui}/src/unsafe-dom.fixture.ts` });
    const banned = fixture.split("\n").flatMap((line, i) => (line.endsWith("// banned") ? [i + 1] : []));
    expect(banned.length).toBeGreaterThanOrEqual(10);
    expect(result.messages.filter((m) => m.fatal)).toEqual([]);
    expect([...new Set(result.messages.map((m) => m.line))].sort((a, b) => a - b)).toEqual(banned);
    expect(result.messages.every((m) => m.severity === 2)).toBe(true);
    const text = result.messages.map((m) => m.message).join("\n");
    for (const name of ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "createContextualFragment", "parseFromString", "a <select> without a size", 'createElement("select")', "select()"]) {
      expect(text).toContain(name);
    }
    expect(result.messages.map((m) => m.ruleId)).toEqual(expect.arrayContaining(["no-eval", "no-new-func", "no-implied-eval"]));
  }, 20_000);

  it("holds for the screen modules too (ui/src/screens)", async () => {
    const [result] = await new ESLint({ cwd: ui }).lintText(fixture, { filePath: `${ui}/src/screens/unsafe-dom.fixture.ts` });
    const banned = fixture.split("\n").flatMap((line, i) => (line.endsWith("// banned") ? [i + 1] : []));
    expect([...new Set(result.messages.map((m) => m.line))].sort((a, b) => a - b)).toEqual(banned);
  }, 20_000);
});
