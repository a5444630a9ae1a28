#!/usr/bin/env bash
# Builds think-lint with profile-guided optimization: the release binary,
# compiled a second time with the profile of a run over sample posts, so
# the compiler lays out and inlines the code the way posts use it.
#
#   scripts/build-pgo.sh [--out PATH]
#
# Steps, all under target/pgo/: an instrumented build, a training run over
# a synthetic corpus (never the posts the benchmarks time), the profile
# merged with llvm-profdata, and the optimized build, copied to
# target/pgo/think-lint (or --out PATH). Prints the binary's path.
#
# Both builds are static, as `cargo build-static` makes (see
# .cargo/config.toml), where that can be built (x86_64 Linux with glibc's
# static libraries); STATIC=0 in the environment builds them plain.
#
# Needs an llvm-profdata of the same LLVM major version as rustc: rustup's
# llvm-tools component, or `llvm-profdata-N` / `llvm-profdata` on PATH.
# When root and none is found, it tries `rustup component add llvm-tools`,
# then apt-get's llvm-N.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh"

out=""
while [ $# -gt 0 ]; do
    case $1 in
    # Made absolute: the script works from the repository's root.
    --out) out=$(realpath -m -- "$2"); shift ;;
    -h | --help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
    esac
    shift
done

PGO_DIR=$TARGET_DIR/pgo
HOST=$(rustc -vV | awk '/^host:/ {print $2}')
LLVM_MAJOR=$(rustc -vV | awk '/^LLVM version:/ {split($3, v, "."); print v[1]}')
[ -n "$LLVM_MAJOR" ] || { echo "error: cannot tell rustc's LLVM version (rustc -vV)" >&2; exit 1; }

# The first llvm-profdata whose major version is rustc's LLVM's.
find_profdata() {
    local sysroot candidate
    sysroot=$(rustc --print sysroot)
    for candidate in "$sysroot/lib/rustlib/$HOST/bin/llvm-profdata" \
        "$(command -v "llvm-profdata-$LLVM_MAJOR" || true)" \
        "/usr/lib/llvm-$LLVM_MAJOR/bin/llvm-profdata" \
        "$(command -v llvm-profdata || true)"; do
        [ -n "$candidate" ] && [ -x "$candidate" ] || continue
        if "$candidate" --version 2>/dev/null | grep -q "LLVM version $LLVM_MAJOR\."; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

PROFDATA=$(find_profdata || true)
if [ -z "$PROFDATA" ]; then
    log "no llvm-profdata for LLVM $LLVM_MAJOR: installing one"
    { command -v rustup >/dev/null && rustup component add llvm-tools >/dev/null 2>&1; } ||
        apt_install "llvm-$LLVM_MAJOR" || true
    PROFDATA=$(find_profdata || true)
fi
if [ -z "$PROFDATA" ]; then
    echo "error: no llvm-profdata for LLVM $LLVM_MAJOR (rustc's); install rustup's llvm-tools component" \
        "(rustup component add llvm-tools) or your system's llvm-$LLVM_MAJOR package" >&2
    exit 1
fi

cd "$ROOT"
rm -rf "$PGO_DIR/profiles"
mkdir -p "$PGO_DIR/profiles"

# Builds think-lint with the profile flag $1 into target dir $2. Static
# where `cargo build-static` works: the flag is added to that alias'
# flags (cargo joins the two arrays), as a TOML string. Otherwise with
# --target, so the flag reaches the crate and its dependencies but not
# build.rs, whose own run would write a profile too; passed encoded (one
# flag, no splitting), so a path with spaces stays whole.
if static_build && [ "$HOST" = "$STATIC_TARGET" ]; then kind="static, "; else kind=""; fi
build() {
    if [ -n "$kind" ]; then
        local flag=${1//\\/\\\\}
        flag=${flag//\"/\\\"}
        cargo build-static --quiet --bin think-lint --target-dir "$2" \
            --config "target.$STATIC_TARGET.rustflags=[\"$flag\"]"
    else
        CARGO_ENCODED_RUSTFLAGS=$1 \
            cargo build --release --quiet --bin think-lint --target "$HOST" --target-dir "$2"
    fi
}
log "building instrumented think-lint (${kind}profile-generate)"
build "-Cprofile-generate=$PGO_DIR/profiles" "$PGO_DIR/generate"
trained=$PGO_DIR/generate/$HOST/release/think-lint

# Synthetic posts: the benchmarks time real ones, so the profile is not
# learned from the text it is measured on.
TRAIN=$PGO_DIR/corpus
if [ ! -f "$TRAIN/corpus.env" ]; then
    log "writing the training corpus to $TRAIN"
    rm -rf "$TRAIN"
    cargo bench --quiet --bench corpus -- --out "$TRAIN" --mb 2 --csv-mb 2
fi

# Every input kind and output format, one thread and several. Exit code 1
# (posts that fail) is expected; anything worse stops the build.
log "training run"
train() {
    local rc=0
    "$trained" "$@" >/dev/null 2>"$PGO_DIR/train.err" || rc=$?
    if [ "$rc" -gt 1 ]; then
        echo "error: the training run \`think-lint $*\` exited with $rc; its messages are in $PGO_DIR/train.err" >&2
        exit 1
    fi
}
for _ in 1 2 3 4 5; do train "$TRAIN/draft.txt"; done
train "$TRAIN/files"
train --format json "$TRAIN/md"
train "$TRAIN/posts.jsonl"
RAYON_NUM_THREADS=1 train --format jsonl "$TRAIN/posts.jsonl"
train --format sarif "$TRAIN/calendar.csv"
train --format compact "$TRAIN/posts.jsonl"

"$PROFDATA" merge -o "$PGO_DIR/think-lint.profdata" "$PGO_DIR/profiles"

log "building think-lint with the profile (${kind}profile-use)"
build "-Cprofile-use=$PGO_DIR/think-lint.profdata" "$PGO_DIR/use"
out=${out:-$PGO_DIR/think-lint}
mkdir -p "$(dirname "$out")"
cp "$PGO_DIR/use/$HOST/release/think-lint" "$out.tmp"
mv -f "$out.tmp" "$out"
log "built $out"
echo "$out"
