// What `npm pack` puts in the SDK's package (One2One.Client/package.json "files"): the compiled SDK, the sources its
// source maps point to, and nothing of the page. Runs npm offline (--dry-run writes nothing); skipped without npm.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { describe, it, type TestContext } from "node:test";
import { fileURLToPath } from "node:url";

/** One2One.Client, from build/test/unit where this test runs. */
const packageDirectory = fileURLToPath(new URL("../../../", import.meta.url));

/** `npm pack --dry-run --json` in `directory`: its exit code, the files it would pack, and what it said. */
function dryRunPack(directory: string): { status: number | null; files: string[]; stderr: string } | "no npm" {
  const cache = mkdtempSync(join(tmpdir(), "one2one-npm-cache-"));
  try {
    const result = spawnSync("npm", ["pack", "--dry-run", "--json", "--offline"], {
      cwd: directory,
      encoding: "utf8",
      shell: process.platform === "win32",
      env: { ...process.env, npm_config_cache: cache, npm_config_update_notifier: "false" },
      timeout: 60_000,
    });
    if ((result.error as NodeJS.ErrnoException | undefined)?.code === "ENOENT") {
      return "no npm";
    }
    const files = result.status === 0 ? (JSON.parse(result.stdout) as { files: { path: string }[] }[])[0]?.files.map((file) => file.path) ?? [] : [];
    return { status: result.status, files, stderr: result.stderr };
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}

/** The sources (relative to the package, "/"-separated) that dist's source maps point to. */
function mappedSources(): string[] {
  const dist = join(packageDirectory, "dist");
  const maps = (readdirSync(dist, { recursive: true }) as string[]).filter((file) => file.endsWith(".js.map"));
  const sources = maps.flatMap((map) => {
    const { sources } = JSON.parse(readFileSync(join(dist, map), "utf8")) as { sources: string[] };
    return sources.map((source) => relative(packageDirectory, resolve(dirname(join(dist, map)), source)).split("\\").join("/"));
  });
  return [...new Set(sources)].sort();
}

function skipWithoutNpm(t: TestContext, outcome: ReturnType<typeof dryRunPack>): outcome is Exclude<typeof outcome, "no npm"> {
  if (outcome === "no npm") {
    t.skip("npm is not on the PATH");
    return false;
  }
  return true;
}

describe("The SDK's npm package", () => {
  it("holds the compiled SDK and the sources its maps point to, and none of the page's files", (t) => {
    if (!existsSync(join(packageDirectory, "dist", "index.js"))) {
      t.skip("the SDK is not built (npm run build)");
      return;
    }
    const pack = dryRunPack(packageDirectory);
    if (!skipWithoutNpm(t, pack)) {
      return;
    }
    assert.equal(pack.status, 0, pack.stderr);

    for (const file of ["package.json", "README.md", "dist/index.js", "dist/index.d.ts", "dist/softphone.js"]) {
      assert.ok(pack.files.includes(file), `${file} is packed`);
    }
    const packedSources = pack.files.filter((file) => file.startsWith("src/")).sort();
    assert.deepEqual(packedSources, mappedSources(), "exactly the SDK's sources: none of the page's (ui.ts, page.ts, main.ts, …), none missing");
    assert.deepEqual(
      pack.files.filter((file) => !file.startsWith("src/") && !file.startsWith("dist/")),
      ["README.md", "package.json"].filter((file) => pack.files.includes(file)),
    );
  });

  it("refuses to pack without the compiled SDK (prepack)", (t) => {
    const unbuilt = mkdtempSync(join(tmpdir(), "one2one-unbuilt-"));
    try {
      copyFileSync(join(packageDirectory, "package.json"), join(unbuilt, "package.json"));
      const pack = dryRunPack(unbuilt);
      if (!skipWithoutNpm(t, pack)) {
        return;
      }
      assert.notEqual(pack.status, 0);
      assert.match(pack.stderr, /dist\/index\.js is missing/);
    } finally {
      rmSync(unbuilt, { recursive: true, force: true });
    }
  });
});
