# TAP helpers for the end-to-end tests: each tests/e2e/*.t sources this file,
# runs the cjmsim binary ($CJMSIM, set by `make check`) and reports with
# ok / is / like. prove reads the output.

set -u
# The tests read cjmsim's English; 80_russian.t asks for Russian itself.
unset LC_ALL LC_MESSAGES LANGUAGE
export LANG=C.UTF-8
CJMSIM=${CJMSIM:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build/cjmsim}
TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SCENARIOS="$TESTS_DIR/scenarios"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/cjmsim-e2e.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
_tap_n=0
_tap_failed=0

plan() { echo "1..$1"; }

ok() { # ok CONDITION-EXIT-STATUS DESCRIPTION
    _tap_n=$((_tap_n + 1))
    if [ "$1" -eq 0 ]; then
        echo "ok $_tap_n - $2"
    else
        echo "not ok $_tap_n - $2"
        _tap_failed=$((_tap_failed + 1))
    fi
}

is() { # is GOT EXPECTED DESCRIPTION
    if [ "$1" == "$2" ]; then
        ok 0 "$3"
    else
        ok 1 "$3"
        printf '#   got:      %s\n#   expected: %s\n' "$1" "$2"
    fi
}

like() { # like GOT GREP-E-PATTERN DESCRIPTION
    if printf '%s' "$1" | grep -Eq -- "$2"; then
        ok 0 "$3"
    else
        ok 1 "$3"
        printf '#   got:     %s\n#   pattern: %s\n' "$1" "$2"
    fi
}

# run_cjmsim ARGS...: sets OUT, ERR and RC.
run_cjmsim() {
    "$CJMSIM" "$@" >"$WORK/stdout" 2>"$WORK/stderr"
    RC=$?
    OUT=$(cat "$WORK/stdout")
    ERR=$(cat "$WORK/stderr")
}

# json FILE PYTHON-EXPRESSION: prints the expression evaluated on the parsed
# file, bound to `d` (python3's json module reads the results).
json() {
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

skip() { # skip COUNT REASON: counts COUNT tests as skipped
    local i
    for ((i = 0; i < $1; i++)); do
        _tap_n=$((_tap_n + 1))
        echo "ok $_tap_n # skip $2"
    done
}

done_testing() {
    echo "1..$_tap_n"
    [ "$_tap_failed" -eq 0 ]
}

# run_in DIR ARGS...: run_cjmsim with DIR (created if needed) as the current
# directory, so that a default results/ directory lands there.
run_in() {
    local dir=$1
    shift
    mkdir -p "$dir"
    (cd "$dir" && exec "$CJMSIM" "$@") >"$WORK/stdout" 2>"$WORK/stderr"
    RC=$?
    OUT=$(cat "$WORK/stdout")
    ERR=$(cat "$WORK/stderr")
}

# absent PATH DESCRIPTION: PATH does not exist (not even as a dangling link).
absent() {
    if [ -e "$1" ] || [ -L "$1" ]; then
        ok 1 "$2"
        echo "#   exists: $1"
    else
        ok 0 "$2"
    fi
}

# no_leftovers DIR DESCRIPTION: no half-written results (NAME.tmp-*) and no
# set-aside previous results (NAME.old-*) and no lock file (NAME.cjmsim-lock)
# anywhere under DIR.
no_leftovers() {
    local found
    found=$(find "$1" \( -name '*.tmp-*' -o -name '*.old-*' -o -name '*.cjmsim-lock' \) -print 2>/dev/null)
    is "$found" "" "$2"
}

# snapshot DIR: a listing of every file under DIR with its sha256, to show
# that cjmsim left a directory untouched.
snapshot() {
    (cd "$1" && find . -print0 | LC_ALL=C sort -z | xargs -0 -I{} sh -c \
        'if [ -f "{}" ]; then printf "%s %s\n" "$(sha256sum < "{}" | cut -c1-64)" "{}"; else printf "dir %s\n" "{}"; fi')
}

# py PYTHON-CODE ARGS...: runs python3 code (csv, json and sys imported) with
# the arguments in sys.argv[1:]; the tests print one value and compare it with
# `is`. An exception prints "python error: ..." so that a check expecting
# empty output cannot pass by crashing.
py() {
    python3 -c 'import csv, json, sys
code = sys.argv.pop(1)
try:
    exec(compile(code, "<check>", "exec"), {"csv": csv, "json": json, "sys": sys})
except Exception as e:
    print("python error: %s: %s" % (type(e).__name__, e))' "$@"
}

# For a file of MPI tests: MPI_BIN is cjmsim-mpi ($CJMSIM_MPI, which make
# check sets where mpicc exists), Open MPI may run as root (as the tests do
# in CI), and mpi ARGS... runs mpirun with its output in $WORK/mpi.out and
# mpi.err, setting RC. Skips the whole file where Open MPI or cjmsim-mpi is
# missing.
mpi_tests_or_skip() {
    MPI_BIN=${CJMSIM_MPI:-}
    if [ -z "$MPI_BIN" ] || [ ! -x "$MPI_BIN" ] || ! command -v mpirun >/dev/null; then
        echo "1..0 # skip Open MPI or cjmsim-mpi is not available"
        exit 0
    fi
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
}
mpi() {
    mpirun --oversubscribe "$@" >"$WORK/mpi.out" 2>"$WORK/mpi.err"
    RC=$?
}
