#!/bin/sh
# check-layers.sh - src/ is layered (docs/HACKING.md): a file includes nono's
# headers from its own layer and the ones below, never above; the objects
# call nothing above their layer; and no two modules depend on each other,
# inside a layer too (what each object imports, by nm). TAP; run by 'make
# check' and 'make check-layers'.
#
#   NONO_SRCDIR (default: this script's ..), NONO_BUILDDIR (default: $NONO_SRCDIR/_build)

srcdir=${NONO_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${NONO_BUILDDIR:-$srcdir/_build}
# bottom first: each layer may use those before it
layers="compat base policy sandbox audit store net agent supervisor config launch lib shell cli"
# headers the build generates, included without a folder
generated="config.h bpf-filters.h nono-version.h nono-hook-script.h nono-completions.h"

rank() {
	i=0
	for l in $layers; do
		[ "$l" = "$1" ] && { echo "$i"; return; }
		i=$((i + 1))
	done
	echo -1
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "1..4"

# 1. every file of src/ is in a layer's folder
bad=$(cd "$srcdir/src" && find . -type f \( -name '*.c' -o -name '*.h' \) | while read -r f; do
	dir=${f#./}
	dir=${dir%%/*}
	case $f in ./*/*) ;; *) echo "$f: not in a layer's folder"; continue ;; esac
	[ "$(rank "$dir")" -ge 0 ] || echo "$f: $dir/ is not a layer ($layers)"
done)
if [ -z "$bad" ]; then echo "ok 1 every source file is in a layer: $layers"; else
	echo "not ok 1 every source file is in a layer: $layers"; echo "$bad" | sed 's/^/# /'; fi

# 2. includes: by folder, never from a layer above
bad=$(cd "$srcdir/src" && for f in */*.[ch]; do
	layer=${f%%/*}
	r=$(rank "$layer")
	sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f" | while read -r inc; do
		case $inc in
		*/*)
			to=${inc%%/*}
			t=$(rank "$to")
			if [ ! -f "$inc" ]; then echo "$f includes $inc, which does not exist"
			elif [ "$t" -lt 0 ] || [ "$t" -gt "$r" ]; then echo "$f ($layer) includes $inc: $to is above $layer"; fi ;;
		*)
			case " $generated " in *" $inc "*) ;; *) echo "$f includes \"$inc\" without its folder" ;; esac ;;
		esac
	done
done)
if [ -z "$bad" ]; then echo "ok 2 no file includes a header of a layer above its own"; else
	echo "not ok 2 no file includes a header of a layer above its own"; echo "$bad" | sed 's/^/# /'; fi

# the objects: nono's library, its main and the shell's (not the build
# tools', the shim's or the tests')
objs=$(cd "$builddir" 2>/dev/null && ls src/*/libnono_a-*.o src/cli/nono-main.o src/shell/nono_shell-shell.o 2>/dev/null)
if [ -z "$objs" ]; then
	echo "ok 3 # SKIP no objects in $builddir (build first)"
	echo "ok 4 # SKIP no objects in $builddir (build first)"
	exit 0
fi
# "user definer" for every symbol an object takes from another, as
# layer/module (src/base/libnono_a-util.o: base/util)
# shellcheck disable=SC2086 # one word per object
(cd "$builddir" && nm -A -P $objs) | awk '
	{
		obj = $1; sub(/:$/, "", obj)
		n = split(obj, p, "/"); mod = p[n - 1] "/" p[n]
		sub(/\.o$/, "", mod); sub(/\/[^-\/]*-/, "/", mod)
		if ($3 == "U") use[mod, $2] = 1
		else if ($3 ~ /^[TDBRVWCG]$/) def[$2] = mod
	}
	END { for (k in use) { split(k, q, SUBSEP); if ((q[2] in def) && def[q[2]] != q[1]) print q[1], def[q[2]] } }' |
	sort -u >"$tmp/edges"
bad=$(while read -r from to; do
	f=$(rank "${from%%/*}")
	t=$(rank "${to%%/*}")
	[ "$t" -le "$f" ] || echo "$from uses $to: ${to%%/*} is above ${from%%/*}"
done <"$tmp/edges")
if [ -z "$bad" ]; then echo "ok 3 no object calls into a layer above its own ($(wc -l <"$tmp/edges") dependencies)"; else
	echo "not ok 3 no object calls into a layer above its own"; echo "$bad" | sed 's/^/# /'; fi

# 4. no cycle: tsort names one when there is
if tsort "$tmp/edges" >/dev/null 2>"$tmp/loops"; then
	echo "ok 4 no two modules depend on each other"
else
	echo "not ok 4 no two modules depend on each other"
	sed -e 's/^tsort: //' -e 's/^/# /' "$tmp/loops"
fi
