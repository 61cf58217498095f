'use strict';
// The Node binding, by effect: a confined program cannot read the test's
// secret nor write outside its grants. NONO names the nono to drive.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { Sandbox, NonoError, changes } = require('..');

function scratch() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nono-node-test-'));
  const work = path.join(dir, 'work');
  const outside = path.join(dir, 'outside');
  fs.mkdirSync(work);
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(outside, 'secret'), 's3cr3t-node\n');
  fs.writeFileSync(path.join(work, 'keep.txt'), 'keep\n');
  return { dir, work, outside };
}

test('the secret stays unread and nothing is written outside', async () => {
  const t = scratch();
  const r = await new Sandbox({ allow: [t.work] }).run(['sh', '-c',
    `cat ${t.outside}/secret; echo x > ${t.outside}/new; echo in > ${t.work}/made; cat ${t.work}/keep.txt`]);
  assert.strictEqual(r.status, 0);
  assert.ok(!(r.stdout.toString() + r.stderr.toString()).includes('s3cr3t-node'));
  assert.match(r.stderr.toString(), /Permission denied/);
  assert.ok(!fs.existsSync(path.join(t.outside, 'new')));
  assert.strictEqual(fs.readFileSync(path.join(t.work, 'made'), 'utf8'), 'in\n');
  assert.strictEqual(r.stdout.toString(), 'keep\n');
  // the session id is the audit trail's and the journal's
  const d = JSON.parse(execFileSync(process.env.NONO || 'nono', ['audit', 'show', r.sessionId, '--json'], { encoding: 'utf8' }));
  assert.strictEqual(d.session.session_id, r.sessionId);
  const made = changes(r.sessionId).find((c) => c.path === path.join(t.work, 'made'));
  assert.strictEqual(made.status, 'created');
  fs.rmSync(t.dir, { recursive: true, force: true });
});

test('profile keys reach the sandbox through a profile file; read-only stays read-only', async () => {
  const t = scratch();
  const sb = new Sandbox({ settings: { 'filesystem.read': [t.work] } });
  sb.validate();
  const r = await sb.run(['sh', '-c', `cat ${t.work}/keep.txt; echo no > ${t.work}/keep.txt; exit 4`]);
  assert.strictEqual(r.status, 4);
  assert.strictEqual(r.stdout.toString(), 'keep\n');
  assert.strictEqual(fs.readFileSync(path.join(t.work, 'keep.txt'), 'utf8'), 'keep\n');
  fs.rmSync(t.dir, { recursive: true, force: true });
});

test('the network blocked: a connect fails with EACCES', async () => {
  const r = await new Sandbox({ blockNetwork: true }).run(['/usr/bin/python3', '-c',
    "import socket\ntry:\n socket.create_connection(('127.0.0.1', 9), 2); print('connected')\nexcept OSError as e: print('refused', e.errno)"]);
  assert.match(r.stdout.toString(), /refused 13/);
});

test("nono's refusals are NonoErrors with the hint", async () => {
  await assert.rejects(new Sandbox().run(['/nonexistent/program']), (e) => e instanceof NonoError && e.status === 127);
  assert.throws(() => new Sandbox({ profile: 'no-such-profile-here' }).validate(), (e) => e instanceof NonoError && /no-such-profile-here/.test(e.message));
  assert.throws(() => new Sandbox().set('Not A Key', 1), NonoError);
});
