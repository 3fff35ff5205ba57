# Shared by the packaging tests (sourced): a scratch folder removed on exit, and checks that say what
# was expected and what came instead.
set -euo pipefail

scratch=$(mktemp -d "${TMPDIR:-/tmp}/benchstore-packaging-XXXXXX")
cleanups=()
cleanup() {
    local c
    for c in "${cleanups[@]}"; do eval "$c" || true; done
    rm -rf "$scratch"
}
trap cleanup EXIT

fail() {
    echo "FAILED: $*" >&2
    exit 1
}

# expect_contains TEXT PIECE WHAT: TEXT must contain PIECE.
expect_contains() {
    case "$1" in
    *"$2"*) ;;
    *) printf 'FAILED: %s: expected to find\n  %s\nin\n%s\n' "$3" "$2" "$1" >&2; exit 1 ;;
    esac
}

# expect_lacks TEXT PIECE WHAT: TEXT must not contain PIECE.
expect_lacks() {
    case "$1" in
    *"$2"*) printf 'FAILED: %s: did not expect\n  %s\nin\n%s\n' "$3" "$2" "$1" >&2; exit 1 ;;
    *) ;;
    esac
}

# run_ok WHAT COMMAND...: runs COMMAND, fails the test with its output unless it exits 0; prints stdout.
run_ok() {
    local what=$1 out status=0
    shift
    out=$("$@" 2>&1) || status=$?
    [ "$status" -eq 0 ] || { printf 'FAILED: %s exited %s:\n%s\n' "$what" "$status" "$out" >&2; exit 1; }
    printf '%s\n' "$out"
}
