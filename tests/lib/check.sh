# shellcheck shell=bash
# Assertions for the shell tests (packaging and deployment), closing with the
# line tests/run.sh counts: "N passed, N failed". Source it, call check/expect
# for each case, and end with `check_done` (exit 1 when a case failed).

CHECK_PASSED=0
CHECK_FAILED=0

# check NAME COMMAND...: passes when COMMAND exits 0; its output is shown on failure.
check() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		CHECK_PASSED=$((CHECK_PASSED + 1))
		echo "  ok   $name"
	else
		CHECK_FAILED=$((CHECK_FAILED + 1))
		echo "  FAIL $name"
		[ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/       /' | tail -n 40
	fi
	return 0
}

# check_not NAME COMMAND...: passes when COMMAND fails.
check_not() {
	local name=$1
	shift
	check "$name" _check_negate "$@"
}
_check_negate() { ! "$@"; }

# check_eq NAME EXPECTED ACTUAL
check_eq() {
	check "$1" _check_equal "$2" "$3"
}
_check_equal() {
	[ "$1" = "$2" ] && return 0
	printf 'expected: %s\n     got: %s\n' "$1" "$2"
	return 1
}

# check_grep NAME PATTERN FILE: FILE has a line matching the extended regex.
check_grep() {
	check "$1" grep -Eq -- "$2" "$3"
}

# Stops the test (counted as a failure) when a precondition is missing.
check_fatal() {
	CHECK_FAILED=$((CHECK_FAILED + 1))
	echo "  FAIL $*"
	check_done
}

check_done() {
	echo "$CHECK_PASSED passed, $CHECK_FAILED failed"
	[ "$CHECK_FAILED" -eq 0 ] || exit 1
	exit 0
}
