#!/bin/bash
# Runs every test of srtprelay and ends with one line "N passed, N failed".
#
# Each part prints "PASS name" / "FAIL name" lines: the unit test binaries (one line per case),
# the fuzzers (one line each, bounded by FUZZ_SECONDS), and the test scripts tests/*/t_*.sh
# (their own PASS/FAIL lines; exit code 77 means skipped). Every part runs under a timeout.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
FUZZ_SECONDS=${FUZZ_SECONDS:-20}
PART_TIMEOUT=${PART_TIMEOUT:-600}
log=$(mktemp -d /tmp/srtprelay-tests.XXXXXX)
trap 'rm -rf "$log"' EXIT

pass=0 fail=0 skip=0
count() { # <log file> <part name> <exit code>
	local p f
	p=$(grep -c '^PASS ' "$1"); f=$(grep -c '^FAIL ' "$1")
	if [ "$3" -eq 77 ]; then
		skip=$((skip + 1)); echo "SKIP $2"; return
	fi
	if [ "$3" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1; echo "FAIL $2 (exit $3)"
		tail -20 "$1" | sed 's/^/    /'
	fi
	pass=$((pass + p)); fail=$((fail + f))
}

run_part() { # <name> <command...>; a script may raise its limit with "# part-timeout: N"
	local name=$1 out="$log/part.log" rc limit=$PART_TIMEOUT
	shift
	[ -f "$name" ] && limit=$(sed -n 's/^# part-timeout: \([0-9]*\)$/\1/p' "$name" | head -1)
	timeout -k 5 "${limit:-$PART_TIMEOUT}" "$@" >"$out" 2>&1; rc=$?
	grep -E '^(PASS|FAIL) ' "$out"
	grep -q '^FAIL ' "$out" && grep -v -E '^(PASS|FAIL) ' "$out" | tail -40 | sed 's/^/    /'
	count "$out" "$name" "$rc"
}

echo "== unit tests"
for t in "$BUILD"/tests/unit/test_*; do
	[ -x "$t" ] || continue
	run_part "$(basename "$t")" "$t"
done

echo "== fuzzers (${FUZZ_SECONDS}s each, ASan+UBSan)"
for f in "$BUILD"/fuzz/fuzz_*; do
	[ -x "$f" ] || continue
	n=$(basename "$f"); corpus="tests/fuzz/corpus/${n#fuzz_}"
	work="$log/$n"; mkdir -p "$work"
	[ -d "$corpus" ] && cp -r "$corpus"/. "$work"/ 2>/dev/null
	dict=; [ -f "tests/fuzz/$n.dict" ] && dict="-dict=tests/fuzz/$n.dict"
	if timeout -k 5 $((FUZZ_SECONDS + 60)) "$f" -max_total_time="$FUZZ_SECONDS" $dict \
		-rss_limit_mb=2048 -print_final_stats=0 "$work" >"$log/fuzz.log" 2>&1; then
		echo "PASS fuzz.$n"; pass=$((pass + 1))
	else
		echo "FAIL fuzz.$n"; fail=$((fail + 1))
		grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$log/fuzz.log" | head -20 | sed 's/^/    /'
	fi
done

echo "== test scripts"
for s in tests/*/t_*.sh; do
	[ -x "$s" ] || continue
	run_part "$s" env BUILD="$BUILD" "$s"
done

[ "$skip" -gt 0 ] && echo "($skip parts skipped)"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
