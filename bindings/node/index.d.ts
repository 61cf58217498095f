/// <reference types="node" />
import { ChildProcess, StdioOptions } from 'node:child_process';

export interface SandboxOptions {
  /** read and write */
  allow?: string[];
  read?: string[];
  write?: string[];
  blockNetwork?: boolean;
  allowDomains?: string[];
  /** a built-in profile's name, an installed one's, or a file */
  profile?: string;
  /** the rollback journal: true, false, or nono's default */
  rollback?: boolean;
  /** false: no audit trail */
  audit?: boolean;
  workdir?: string;
  /** nono's banner and report on the program's stderr */
  verbose?: boolean;
  /** profile keys (nono-profile(5)) to a value, a list, or true */
  settings?: Record<string, string | string[] | boolean>;
  /** the nono binary (default: $NONO, else nono on PATH) */
  nono?: string;
}

export interface RunResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: Buffer;
  /** for 'nono audit show' and 'nono rollback show' */
  sessionId: string;
}

export interface Change {
  path: string;
  status: 'created' | 'modified' | 'deleted' | 'mode' | 'replaced' | 'unchanged' | string;
  [key: string]: unknown;
}

export class NonoError extends Error {
  nonoMessage: string;
  hint: string;
  status?: number;
}

export class Sandbox {
  constructor(options?: SandboxOptions);
  allow(path: string, access?: 'r' | 'w' | 'rw'): this;
  set(profileKey: string, value?: string | string[] | boolean): this;
  validate(): void;
  spawn(argv: string[], options?: { stdio?: StdioOptions }): { child: ChildProcess; sessionId: string };
  run(argv: string[], options?: { input?: string | Buffer }): Promise<RunResult>;
}

export function changes(sessionId: string, nono?: string): Change[];
export function newSessionId(): string;
