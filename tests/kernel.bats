#!/usr/bin/env bats
# Terminal injection: TIOCSTI and TIOCLINUX are refused, including a request
# number with high bits set (the kernel reads ioctl's request as 32 bits).
# The rest of the kernel enforcement is in net, hardening and abi.bats.
load helpers

setup() { common_setup; }
teardown() { common_teardown; }

@test "terminal injection (TIOCSTI, TIOCLINUX) is refused" {
	run nono_run -- python3 -c "
import fcntl, os, termios
m, s = os.openpty()
# the kernel reads ioctl's request as 32 bits: high bits must not slip past
for name, req in (('TIOCSTI', termios.TIOCSTI), ('TIOCLINUX', 0x541C), ('TIOCSTI-high', termios.TIOCSTI | (1 << 32))):
    try:
        fcntl.ioctl(s, req, b'x'); print(name, 'ALLOWED')
    except OSError as e: print(name, 'errno', e.errno)
    except OverflowError: print(name, 'errno 1')
fcntl.ioctl(s, termios.TCGETS, bytes(60)); print('tcgets ok')"
	[[ "$output" == *"TIOCSTI errno 1"* ]]
	[[ "$output" == *"TIOCLINUX errno 1"* ]]
	[[ "$output" == *"TIOCSTI-high errno 1"* ]]
	[[ "$output" == *"tcgets ok"* ]]
}
