/**
 * What the warm prover (proverd.ts) and the commands that ask it (prover.ts) share: whether it is on, where its
 * socket lives, which prover a command may use, and the frames they exchange.
 *
 * One prover per user, build and environment: its socket is `<runtime dir>/<key>.sock`, where the key hashes the
 * build's identity (identity.ts: every module's path, size and mtime) and the environment variables that change
 * what a proof does (SCHEMAVER_* and TMPDIR). The runtime dir is $SCHEMAVER_RUNTIME_DIR, else
 * $XDG_RUNTIME_DIR/schemaver, else <tmpdir>/schemaver-<uid>: created 0700, and used only while it is a real
 * directory owned by this user that no one else may read or enter.
 *
 * Frames: a 4-byte big-endian length, then v8.serialize of the message (structured-clone semantics, as between
 * threads). A frame that does not deserialize, or is longer than MAX_FRAME, ends the connection.
 */
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';

/** MAX_FRAME is the longest frame either side accepts (a 1000-table proof's request is a few MB). */
export const MAX_FRAME = 1 << 30;

/** SOCKET_PATH_MAX: longer unix socket paths do not fit sockaddr_un (108 bytes on Linux, 104 on macOS). */
const SOCKET_PATH_MAX = 100;

/**
 * proverEnabled tells whether commands use (and start) the warm prover: SCHEMAVER_PROVER=1 or =0 decides; else on,
 * except where CI=true (one-shot machines, where a background process outliving the command only costs), on Windows
 * (no unix sockets with owner checks) and where the uid is unknown.
 */
export function proverEnabled(): boolean {
  const forced = process.env.SCHEMAVER_PROVER;
  if (forced === '0' || forced === '1') return forced === '1' && uid() !== undefined;
  if (process.env.CI === 'true' || process.env.CI === '1') return false;
  return process.platform !== 'win32' && uid() !== undefined;
}

/** uid is this process's user id (undefined where the platform has none). */
function uid(): number | undefined {
  return typeof process.getuid === 'function' ? process.getuid() : undefined;
}

/** runtimeDir is the directory of this user's prover sockets and locks (see the module comment). */
export function runtimeDir(): string {
  if (process.env.SCHEMAVER_RUNTIME_DIR) return path.resolve(process.env.SCHEMAVER_RUNTIME_DIR);
  if (process.env.XDG_RUNTIME_DIR) return path.join(process.env.XDG_RUNTIME_DIR, 'schemaver');
  return path.join(os.tmpdir(), `schemaver-${uid() ?? 'user'}`);
}

/**
 * safeDir tells whether `dir` may hold this user's sockets: a directory (not a symlink) owned by this uid with no
 * permission for group or others. `create`: make it (0700) when missing.
 */
export function safeDir(dir: string, create = false): boolean {
  const me = uid();
  if (me === undefined) return false;
  let s;
  try {
    s = lstatSync(dir);
  } catch {
    if (!create) return false;
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      s = lstatSync(dir);
    } catch {
      return false;
    }
  }
  return s.isDirectory() && !s.isSymbolicLink() && s.uid === me && (s.mode & 0o077) === 0;
}

/** ownSocket tells whether `file` is a unix socket owned by this uid (a prover of this user listens there). */
export function ownSocket(file: string): boolean {
  try {
    const s = lstatSync(file);
    return s.isSocket() && s.uid === uid();
  } catch {
    return false;
  }
}

/** NOT_PROOF: SCHEMAVER_* variables that change nothing a prover does (the prover's own settings, the commit's author). */
const NOT_PROOF = /^SCHEMAVER_(PROVER|RUNTIME_DIR$|AUTHOR_|SPLIT$|NO_GIT_INSTALL$|CONNECT_TIMEOUT$)/;

/**
 * proverEnvironment is the part of the environment that may change what a proof does (a prover is shared only
 * within it): every SCHEMAVER_* variable but NOT_PROOF's, and TMPDIR (PGlite's image cache).
 */
export function proverEnvironment(): string {
  return Object.keys(process.env)
    .filter((k) => (k.startsWith('SCHEMAVER_') && !NOT_PROOF.test(k)) || k === 'TMPDIR')
    .sort()
    .map((k) => `${k}=${process.env[k]}\n`)
    .join('');
}

/**
 * proverKey is the build (`codeId`) and environment (proverEnvironment) a verification worker serving one command
 * after another serves, hashed: the warm prover's (ProverPaths.key), and a worker a host holds between commands
 * (offload.ts heldVerifiers).
 */
export function proverKey(codeId: string): string {
  return createHash('sha256').update(`${codeId}\n${proverEnvironment()}`).digest('hex').slice(0, 24);
}

/** ProverPaths are one prover's files. */
export interface ProverPaths {
  readonly dir: string;
  /** key: the build and environment this prover serves (codeId + proverEnvironment, hashed). */
  readonly key: string;
  readonly socket: string;
  /** lock: the stamp (proc.ts) of the prover, or of the command starting it. */
  readonly lock: string;
}

/** proverPaths names the socket and lock of the prover of build `codeId` in this environment; undefined when the path is too long for a socket. */
export function proverPaths(codeId: string, dir = runtimeDir()): ProverPaths | undefined {
  const key = proverKey(codeId);
  const socket = path.join(dir, `${key}.sock`);
  if (Buffer.byteLength(socket) > SOCKET_PATH_MAX) return undefined;
  return { dir, key, socket, lock: path.join(dir, `${key}.lock`) };
}

/** frame encodes one message as a frame. */
export function frame(msg: unknown): Buffer {
  const body = v8.serialize(msg);
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length);
  return Buffer.concat([head, body]);
}

/** FrameReader reassembles frames from a stream's chunks; push throws on a frame it cannot read. */
export class FrameReader {
  private chunks: Buffer[] = [];
  private size = 0;
  /** need: the length of the frame being read, once its header has arrived. */
  private need: number | undefined;

  /** push takes a chunk and returns the messages it completes. */
  push(chunk: Buffer): unknown[] {
    this.chunks.push(chunk);
    this.size += chunk.length;
    const out: unknown[] = [];
    for (;;) {
      if (this.need === undefined) {
        if (this.size < 4) return out;
        this.need = this.joined().readUInt32BE(0);
        if (this.need > MAX_FRAME) throw new Error(`a frame of ${this.need} bytes is more than the prover accepts`);
      }
      if (this.size < 4 + this.need) return out; // joined only once the whole frame is here
      const buf = this.joined();
      out.push(v8.deserialize(buf.subarray(4, 4 + this.need)));
      const rest = buf.subarray(4 + this.need);
      this.chunks = rest.length ? [rest] : [];
      this.size = rest.length;
      this.need = undefined;
    }
  }

  /** joined makes the chunks one buffer. */
  private joined(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0]!;
  }
}

/** ProverHello is the first frame of a connection: a command's session (`hello`, with its key), or a question. */
export interface ProverHello {
  readonly hello?: { readonly key: string };
  readonly status?: true;
  readonly stop?: true;
}

/** ProverStatus is a running prover as `schemaver prover status` shows it. */
export interface ProverStatus {
  readonly pid: number;
  /** key: the build and environment it serves (ProverPaths.key). */
  readonly key: string;
  readonly socket: string;
  /** dist: the directory of the schemaver build it runs; build: that build's identity (identity.ts). */
  readonly dist: string;
  readonly build: string;
  readonly started: string;
  /** commands: how many commands it has served. */
  readonly commands: number;
  /** busy: serving a command now (another command proves with its own worker meanwhile). */
  readonly busy: boolean;
  /** warm: its worker has started (it waits for the command that started it to end first). */
  readonly warm: boolean;
  /** idleSeconds: it exits after this long without a command. */
  readonly idleSeconds: number;
  readonly rssMb: number;
}
