import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { go, install, type Route, type Routes } from "./router";

// The UI's modules (ui/src, ui/src/screens): the screens reach one another through the
// router, so the import graph has no cycle; main.ts only starts and wires.
const src = dirname(fileURLToPath(import.meta.url));
const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? (e.name === "bindings" ? [] : files(join(dir, e.name))) : e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") && !e.name.endsWith(".d.ts") ? [join(dir, e.name)] : [],
  );
const graph = new Map(
  files(src).map((f) => {
    const deps = [...readFileSync(f, "utf8").matchAll(/^import [^;]*? from "(\.[^"]+)";/gms)]
      .filter((m) => !m[0].startsWith("import type"))
      .map((m) => normalize(join(dirname(f), `${m[1]}.ts`)));
    return [relative(src, f), deps.map((d) => relative(src, d))];
  }),
);

function cycle(): string[] | null {
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const visit = (n: string): string[] | null => {
    if (state.get(n) === "done") return null;
    if (state.get(n) === "open") return [...path.slice(path.indexOf(n)), n];
    state.set(n, "open");
    path.push(n);
    for (const d of graph.get(n) ?? []) {
      const c = visit(d);
      if (c) return c;
    }
    path.pop();
    state.set(n, "done");
    return null;
  };
  for (const n of graph.keys()) {
    const c = visit(n);
    if (c) return c;
  }
  return null;
}

describe("the UI's modules", () => {
  it("read the import graph (every screen module is in it)", () => {
    const screens = [...graph.keys()].filter((f) => f.startsWith("screens/")).sort();
    expect(screens).toEqual(["screens/caseload.ts", "screens/client.ts", "screens/consent.ts", "screens/enquiries.ts", "screens/risk.ts", "screens/settings.ts", "screens/share.ts", "screens/start.ts"]);
    expect(graph.get("screens/client.ts")).toContain("router.ts");
  });

  it("import one another without a cycle", () => {
    expect(cycle()).toBeNull();
  });

  it("finds a cycle when there is one (the check can fail)", () => {
    graph.set("screens/client.ts", [...(graph.get("screens/client.ts") ?? []), "screens/start.ts"]);
    try {
      expect(cycle()).toEqual(expect.arrayContaining(["screens/start.ts", "screens/client.ts"]));
    } finally {
      graph.set("screens/client.ts", (graph.get("screens/client.ts") ?? []).slice(0, -1));
    }
  });

  it("keep main.ts to start-up and wiring: no screen is drawn there, and nothing imports it", () => {
    const main = readFileSync(join(src, "main.ts"), "utf8");
    expect(main).not.toMatch(/^(async )?function /m);
    expect(main).not.toMatch(/\bh\(/);
    for (const [f, deps] of graph) expect(deps, f).not.toContain("main.ts");
  });
});

// Every call of the shell goes through the generated, typed commands.ts: only api.ts takes
// Tauri's invoke, and only commands.ts takes api.ts's call (no string command names).
const imports = (text: string, name: string, from: RegExp): boolean =>
  [...text.matchAll(/^import \{([^}]*)\} from "([^"]+)";/gm)].some((m) => from.test(m[2]) && m[1].split(",").some((n) => n.trim() === name));
const importers = (name: string, from: RegExp): string[] =>
  files(src)
    .filter((f) => imports(readFileSync(f, "utf8"), name, from))
    .map((f) => relative(src, f))
    .sort();
const API = /^(\.\.?\/)+api$/;

describe("the shell's commands", () => {
  it("are called only through the generated commands.ts", () => {
    expect(importers("invoke", /^@tauri-apps\/api\/core$/)).toEqual(["api.ts"]);
    expect(importers("call", API)).toEqual(["commands.ts"]);
  });

  it("finds a module that would call a command by name (the check can fail)", () => {
    expect(imports('import { go } from "../router";\nimport { call, isCmdError } from "../api";', "call", API)).toBe(true);
    expect(imports('import { isCmdError } from "../api";', "call", API)).toBe(false);
  });
});

describe("the router", () => {
  it("draws the named route's screen with its typed parameters, and waits for it", async () => {
    const drawn: Route[] = [];
    const screen = (r: Route) => {
      drawn.push(r);
    };
    const names: Array<Route["to"]> = ["start", "create", "recovery", "unlock", "demo", "recover", "restore", "today", "caseload", "newClient", "client", "edit", "note", "risk", "marac", "consent", "decline", "share", "reviewRequest", "finishRequest", "enquiry", "enquiries", "linkEnquiry", "log", "settings"];
    const table = Object.fromEntries(names.map((n) => [n, screen])) as unknown as Routes;
    let slowDone = false;
    table.settings = async () => {
      await new Promise((r) => setTimeout(r, 5));
      slowDone = true;
    };
    install(table);
    await go({ to: "client", id: 7 });
    await go({ to: "unlock", demo: true });
    expect(drawn).toEqual([{ to: "client", id: 7 }, { to: "unlock", demo: true }]);
    await go({ to: "settings" });
    expect(slowDone).toBe(true);
  });

  it("refuses a route with no screen", async () => {
    install({} as Routes);
    await expect(go({ to: "today" })).rejects.toThrow("no screen for the route today");
  });
});
