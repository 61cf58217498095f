#!/usr/bin/env bash
# Build the profile-parser fuzzer with clang's libFuzzer and run it for
# FUZZ_SECONDS (default 30). Exits non-zero when it finds a crash.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${1:-$top/_build}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
srcs=()
# the core's sources: not main, the filter generator, nor nono-shell (src/shell)
for f in "$top"/src/*/*.c; do
	case $f in */src/shell/* | */main.c | */gen_bpf.c) continue ;; esac
	srcs+=("$f")
done
# shellcheck disable=SC2046
clang -g -O1 -fsanitize=fuzzer,address,undefined -I"$build" -I"$top/src" -DNONO_SHIMDIR="\"/nonexistent\"" -DNONO_LIBEXECDIR="\"/nonexistent\"" -DNONO_BINDIR="\"/nonexistent\"" \
	"$here/fuzz_profile.c" "${srcs[@]}" -o "$out/fuzz_profile" \
	$(pkg-config --cflags --libs jansson libseccomp inih libsecret-1 libcrypto)
mkdir -p "$out/corpus"
cp "$here"/corpus/* "$out/corpus/"
"$out/fuzz_profile" -max_total_time="${FUZZ_SECONDS:-30}" -max_len=4096 -timeout=5 \
	-print_final_stats=1 "$out/corpus" 2>&1 | tail -n 12
