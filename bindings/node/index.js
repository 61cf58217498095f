'use strict';
// nono for Node.js: a process-level binding. Each run is 'nono run' with
// the sandbox's settings as flags and, for profile keys, a profile file in
// nono's documented JSON format (nono-profile(5)), and a session id this
// module picks (--session-id), so the audit trail and the rollback journal
// are known without parsing nono's text. README.md says why not an addon.
const { spawn, execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

class NonoError extends Error {
  constructor(message, hint, status) {
    super(hint ? `${message} (hint: ${hint})` : message);
    this.name = 'NonoError';
    this.nonoMessage = message;
    this.hint = hint || '';
    this.status = status;
  }
}

/** A new session id of nono's form: UTC time, milliseconds, six hex digits. */
function newSessionId() {
  const d = new Date();
  const p = (n, w = 2) => String(n).padStart(w, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}-` +
    `${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}-` +
    `${p(d.getUTCMilliseconds(), 3)}${crypto.randomBytes(3).toString('hex')}`;
}

/** nono's own error lines ("nono: ...", "hint: ...") out of its stderr. */
function nonoError(stderr, status) {
  const lines = stderr.split('\n');
  const msg = lines.filter((l) => l.startsWith('nono: ')).map((l) => l.slice(6)).pop() || `nono exited ${status}`;
  const hint = (lines.find((l) => l.startsWith('hint: ')) || '').slice(6);
  return new NonoError(msg, hint, status);
}

class Sandbox {
  /**
   * @param {object} [o] allow, read, write (paths), blockNetwork, allowDomains,
   *   profile, rollback (true/false), audit (false: none), workdir, verbose,
   *   settings ({profileKey: value | [values] | true}), nono (the binary).
   */
  constructor(o = {}) {
    this.nono = o.nono || process.env.NONO || 'nono';
    this.flags = [];
    this.keys = {};
    this.verbose = !!o.verbose;
    for (const p of o.allow || []) this.allow(p, 'rw');
    for (const p of o.read || []) this.allow(p, 'r');
    for (const p of o.write || []) this.allow(p, 'w');
    if (o.blockNetwork) this.flags.push('--block-net');
    for (const h of o.allowDomains || []) this.flags.push('--allow-domain', h);
    if (o.profile) this.profile = o.profile;
    if (o.rollback === true) this.flags.push('--rollback');
    if (o.rollback === false) this.flags.push('--no-rollback');
    if (o.audit === false) this.flags.push('--no-audit');
    if (o.workdir) this.flags.push('--workdir', path.resolve(o.workdir));
    for (const [k, v] of Object.entries(o.settings || {})) this.set(k, v);
  }

  /** A grant: access 'r', 'w' or 'rw'; a file gets a file grant. */
  allow(p, access = 'rw') {
    const abs = path.resolve(p);
    let file = false;
    try { file = !fs.statSync(abs).isDirectory(); } catch { /* absent: a directory grant */ }
    const flag = { r: '--read', w: '--write', rw: '--allow' }[access];
    if (!flag) throw new NonoError(`access must be r, w or rw, not ${access}`);
    this.flags.push(file ? `${flag}-file` : flag, abs);
    return this;
  }

  /** A profile key with its value as nono-profile(5) types it (a list as
   *  an array: set('filesystem.read', ['/data'])): written into the profile
   *  file each run passes to nono. */
  set(key, value = true) {
    if (!/^[a-z_]+(\.[a-z_]+)+$/.test(key)) throw new NonoError(`not a profile key: ${key}`, 'see nono-profile(5)');
    this.keys[key] = value;
    return this;
  }

  profileFile() {
    if (!Object.keys(this.keys).length) return null;
    const doc = this.profile ? { extends: this.profile } : {};
    for (const [key, value] of Object.entries(this.keys)) {
      const parts = key.split('.');
      let node = doc;
      for (const part of parts.slice(0, -1)) node = node[part] = node[part] || {};
      const last = parts[parts.length - 1];
      node[last] = value; /* as the key's type says: a list as an array */
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nono-node-'));
    const file = path.join(dir, 'profile.json');
    fs.writeFileSync(file, JSON.stringify(doc, null, 2), { mode: 0o600 });
    return file;
  }

  args(argv, sessionId, extra = []) {
    const prof = this.profileFile();
    const a = ['run', ...(this.verbose ? [] : ['--silent']), '--session-id', sessionId];
    if (prof) a.push('--profile', prof);
    else if (this.profile) a.push('--profile', this.profile);
    return { args: [...a, ...this.flags, ...extra, '--', ...argv], prof };
  }

  /** Check what a run would refuse; throws NonoError. */
  validate() {
    const { args, prof } = this.args(['true'], newSessionId(), ['--dry-run']);
    try {
      execFileSync(this.nono, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    } catch (e) {
      throw nonoError(e.stderr || '', e.status);
    } finally {
      if (prof) fs.rmSync(path.dirname(prof), { recursive: true, force: true });
    }
  }

  /** Start argv; returns { child, sessionId } (child: a ChildProcess). */
  spawn(argv, options = {}) {
    const sessionId = newSessionId();
    const { args, prof } = this.args(argv, sessionId);
    const child = spawn(this.nono, args, { stdio: options.stdio || 'pipe' });
    child.on('close', () => { if (prof) fs.rmSync(path.dirname(prof), { recursive: true, force: true }); });
    return { child, sessionId };
  }

  /** Run argv to its end: { status, signal, stdout, stderr, sessionId }.
   *  Rejects with NonoError when nono refused to start it (status 125-127
   *  with nono's own error line). */
  run(argv, options = {}) {
    return new Promise((resolve, reject) => {
      const { child, sessionId } = this.spawn(argv);
      const out = [];
      const err = [];
      child.stdout.on('data', (b) => out.push(b));
      child.stderr.on('data', (b) => err.push(b));
      child.on('error', (e) => reject(new NonoError(`cannot run ${this.nono}: ${e.message}`, 'set NONO or install nono')));
      child.on('close', (status, signal) => {
        const stderr = Buffer.concat(err).toString();
        if (status >= 125 && status <= 127 && /^nono: /m.test(stderr)) return reject(nonoError(stderr, status));
        resolve({ status, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err), sessionId });
      });
      if (options.input !== undefined) child.stdin.end(options.input);
      else child.stdin.end();
    });
  }
}

/** What a session changed, from its rollback journal ('nono rollback show
 *  ID --json'): [{path, status, ...}]; [] when it changed nothing. */
function changes(sessionId, nono = process.env.NONO || 'nono') {
  try {
    return JSON.parse(execFileSync(nono, ['rollback', 'show', sessionId, '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })).paths || [];
  } catch (e) {
    if (/no rollback session/.test(e.stderr || '')) return [];
    throw nonoError(e.stderr || '', e.status);
  }
}

module.exports = { Sandbox, NonoError, changes, newSessionId };
