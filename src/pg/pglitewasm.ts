/**
 * PGlite's compiled WebAssembly module in this thread (pglite.ts starts every instance on it): the baseline one,
 * compiled once and shared with the worker threads this process starts, or, once tieringWasm asked for it, a copy of
 * its own compiled to tier up.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { PGliteOptions } from '@electric-sql/pglite';
import { PGLITE_WASM, optimizingWasm, sharedWasm, shareWasm } from '../proc.js';

/** WasmModule is PGlite's compiled WebAssembly module. */
export type WasmModule = NonNullable<PGliteOptions['pgliteWasmModule']>;

let wasmModule: Promise<WasmModule | undefined> | undefined;

/**
 * pgliteWasm compiles PGlite's WebAssembly once per thread and shares it with every instance, and with the worker
 * threads this process starts later (proc.ts shareWasm; a thread given one compiles nothing). Compiling runs on
 * V8's background threads, so prewarmPglite can start it while the caller is still parsing and planning. The file
 * is read synchronously (9 MB, a few ms): read asynchronously, its chunks wait for turns of an event loop that is
 * busy loading modules, and the compile started ~0.1 s later on the verification worker, whose restore awaits it.
 * Undefined when the file cannot be found: PGlite then loads it itself.
 */
export function pgliteWasm(): Promise<WasmModule | undefined> {
  wasmModule ??= (async () => {
    const given = sharedWasm(PGLITE_WASM) as WasmModule | undefined;
    if (given) return given;
    try {
      const m = await compileWasm(readWasmFile());
      shareWasm(PGLITE_WASM, m);
      return m;
    } catch {
      return undefined;
    }
  })();
  return wasmModule;
}

/** readWasmFile reads PGlite's WebAssembly file (throws when it cannot be found). */
function readWasmFile(): Uint8Array {
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  return readFileSync(path.join(path.dirname(entry), 'pglite.wasm'));
}

/** compileWasm compiles WebAssembly bytes (on V8's background threads). */
function compileWasm(bytes: Uint8Array): Promise<WasmModule> {
  return (
    globalThis as unknown as { WebAssembly: { compile(b: Uint8Array): Promise<WasmModule> } }
  ).WebAssembly.compile(bytes);
}

/** TIERING_SECTION is a custom section (id 0, size, name length, name: ignored by every engine) that makes a copy's bytes differ. */
const TIERING_SECTION = [0, 10, 9, ...Buffer.from('schemaver')];

let tiering = false;

/**
 * tieringWasm makes pgliteWasm answer, from now on, a copy of PGlite's module compiled to tier up (proc.ts
 * optimizingWasm); the baseline one, compiled at the thread's start, then serves nobody. V8 keeps one compiled module
 * per content and a module keeps the tiers it was compiled with, so the copy's bytes carry one custom section more.
 * False when it was asked before or PGlite's file cannot be found (PGlite then loads it itself).
 */
export function tieringWasm(): boolean {
  if (tiering) return false;
  tiering = true;
  let bytes: Uint8Array;
  try {
    bytes = readWasmFile();
  } catch {
    return false;
  }
  optimizingWasm();
  const baseline = wasmModule;
  wasmModule = compileWasm(Buffer.concat([bytes, Buffer.from(TIERING_SECTION)])).catch(() => baseline);
  return true;
}

/** compilingWasm settles when the compile pgliteWasm or tieringWasm started has (a worker ends only after it). */
export async function compilingWasm(): Promise<void> {
  await wasmModule?.catch(() => undefined);
}
