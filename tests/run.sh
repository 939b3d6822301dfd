#!/usr/bin/env bash
# Runs each test binary given, then prints the totals of their closing
# "N passed, N failed[, N skipped]" lines. A binary that crashes or prints no
# closing line counts as one failure.
set -u
passed=0 failed=0 skipped=0
for bin in "$@"; do
	echo "== ${bin##*/}"
	log=$(mktemp)
	"$bin" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	out=$(tail -n 1 "$log")
	rm -f "$log"
	if [[ $out =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed(,\ ([0-9]+)\ skipped)?$ ]]; then
		passed=$((passed + BASH_REMATCH[1]))
		failed=$((failed + BASH_REMATCH[2]))
		skipped=$((skipped + ${BASH_REMATCH[4]:-0}))
		if [ "$rc" -ne 0 ] && [ "${BASH_REMATCH[2]}" -eq 0 ]; then
			echo "${bin##*/}: exited $rc with no failed test" >&2
			failed=$((failed + 1))
		fi
	else
		echo "${bin##*/}: no closing line (exit $rc)" >&2
		failed=$((failed + 1))
	fi
done
echo "TOTAL: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
