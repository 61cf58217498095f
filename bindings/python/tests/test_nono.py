"""The Python binding, by effect: a confined program cannot read the test's
secret nor write outside its grants; what it may do it does. Run with
python3 -m unittest discover -s bindings/python/tests (NONO_LIBRARY names
the library of a build tree; NONO names its nono, for the audit check)."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import nono  # noqa: E402


class SandboxTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="nono-py-")
        self.work = os.path.join(self.dir, "work")
        self.outside = os.path.join(self.dir, "outside")
        os.makedirs(self.work)
        os.makedirs(self.outside)
        self.secret = os.path.join(self.outside, "secret")
        with open(self.secret, "w") as f:
            f.write("s3cr3t-py\n")
        with open(os.path.join(self.work, "keep.txt"), "w") as f:
            f.write("keep\n")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def test_secret_unread_and_no_write_outside(self):
        with nono.Sandbox(allow=[self.work]) as sb:
            r = sb.run(["sh", "-c", f"cat {self.secret}; echo x > {self.outside}/new; "
                        f"echo inside > {self.work}/made; cat {self.work}/keep.txt"])
        self.assertEqual(r.status, 0)
        self.assertNotIn(b"s3cr3t-py", r.stdout + r.stderr)
        self.assertIn(b"Permission denied", r.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.outside, "new")))
        self.assertEqual(open(os.path.join(self.work, "made")).read(), "inside\n")
        self.assertEqual(r.stdout, b"keep\n")
        self.assertRegex(r.session_id, r"^\d{8}-\d{6}-\d{3}[0-9a-f]{6}$")

    def test_read_only_grant_and_exit_status(self):
        sb = nono.Sandbox(read=[self.work])
        r = sb.run(["sh", "-c", f"cat {self.work}/keep.txt; echo no > {self.work}/keep.txt; exit 3"])
        self.assertEqual(r.status, 3)
        self.assertEqual(r.stdout, b"keep\n")
        self.assertEqual(open(os.path.join(self.work, "keep.txt")).read(), "keep\n")
        sb.close()

    def test_blocked_network(self):
        sb = nono.Sandbox(block_network=True)
        r = sb.run(["/usr/bin/python3", "-c",
                    "import socket\ntry:\n socket.create_connection(('127.0.0.1', 9), 2); print('connected')\n"
                    "except OSError as e: print('refused', e.errno)"])
        self.assertIn(b"refused 13", r.stdout)

    def test_session_id_is_the_audit_trail(self):
        nono_bin = os.environ.get("NONO")
        if not nono_bin:
            self.skipTest("NONO names no nono binary")
        r = nono.Sandbox(allow=[self.work]).run(["sh", "-c", f"echo hi > {self.work}/a"])
        show = subprocess.run([nono_bin, "audit", "show", r.session_id, "--json"], capture_output=True, check=True)
        d = json.loads(show.stdout)
        self.assertEqual(d["session"]["session_id"], r.session_id)
        self.assertTrue(any(e["type"] == "exec" for e in d["events"]))

    def test_errors_carry_message_and_hint(self):
        sb = nono.Sandbox()
        with self.assertRaises(nono.NonoError) as cm:
            sb.set("no.such.key", "x")
        self.assertIn("unknown setting", cm.exception.message)
        self.assertTrue(cm.exception.hint)
        with self.assertRaises(nono.NonoError) as cm:
            sb.use_profile("no-such-profile-here")
        self.assertLess(cm.exception.code, 0)
        with self.assertRaises(nono.NonoError):
            sb.spawn(["/nonexistent/program"])

    def test_settings_by_profile_key_and_validate(self):
        sb = nono.Sandbox(settings={"filesystem.read": [self.work]})
        sb.validate()
        r = sb.run(["cat", os.path.join(self.work, "keep.txt")])
        self.assertEqual(r.stdout, b"keep\n")

    def test_child_context_manager_stops_it(self):
        sb = nono.Sandbox()
        with sb.spawn(["sleep", "30"]) as child:
            self.assertGreater(child.pid, 0)
        self.assertEqual(child.status, 128 + 15)

    def test_apply_self(self):
        code = ("import sys; sys.path.insert(0, %r); import nono\n"
                "nono.Sandbox(allow=[%r]).apply_self()\n"
                "open(%r, 'w').write('in')\n"
                "try:\n open(%r).read(); print('READ')\nexcept OSError as e: print('denied', e.errno)\n"
                "try:\n open(%r, 'w'); print('WROTE')\nexcept OSError as e: print('denied', e.errno)\n"
                % (os.path.join(os.path.dirname(__file__), ".."), self.work, os.path.join(self.work, "self"),
                   self.secret, os.path.join(self.outside, "x")))
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(out.stdout, "denied 13\ndenied 13\n")
        self.assertEqual(open(os.path.join(self.work, "self")).read(), "in")
        self.assertFalse(os.path.exists(os.path.join(self.outside, "x")))


if __name__ == "__main__":
    unittest.main()
