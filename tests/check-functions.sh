#!/bin/sh
# check-functions.sh - no function in src/ is longer than NONO_FUNC_MAX
# lines (default 120; the house aims under 100), counted from the line that
# names it to its closing brace. Definitions are found by the house style:
# the name at the start of a line, the body's braces alone at column 0.
# Lists the longest too. TAP; run by 'make check' and 'make check-functions'.

srcdir=${NONO_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
max=${NONO_FUNC_MAX:-120}
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

(cd "$srcdir" && awk '
	# a line at column 0 that names a function: its name before the first
	# "(" that is not an attribute
	/^[A-Za-z_][A-Za-z0-9_ *]*[ *]?[A-Za-z_][A-Za-z0-9_]*\(/ && !/;[[:space:]]*$/ && !/^(typedef|struct|enum|union|#)/ {
		line = $0; sub(/__attribute__\(\([^)]*\)\)/, "", line)
		name = line; sub(/\(.*/, "", name); sub(/.*[ *]/, "", name)
		at = FNR; where = FILENAME
	}
	/^\{$/ { open = at }
	/^\}/ && open { printf "%d %s:%d %s\n", FNR - open + 1, where, open, name; open = 0 }
' src/*/*.c) | sort -rn >"$tmp"

echo "1..1"
n=$(wc -l <"$tmp")
over=$(awk -v m="$max" '$1 > m' "$tmp")
if [ "$n" -lt 100 ]; then
	echo "not ok 1 none of the functions in src/ is over $max lines"
	echo "# only $n definitions found: the house style's shape is not recognised"
elif [ -z "$over" ]; then
	echo "ok 1 none of the $n functions in src/ is over $max lines"
else
	echo "not ok 1 none of the $n functions in src/ is over $max lines"
	echo "$over" | sed 's/^/# /'
fi
echo "# the longest:"
head -n 8 "$tmp" | sed 's/^/#   /'
