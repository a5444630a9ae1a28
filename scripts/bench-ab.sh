#!/usr/bin/env bash
# Measures a change: the working tree's build against a commit's, run by run.
#
#   scripts/bench-ab.sh [--base REV] [--case CASE] [--runs N] [--mb N] [--wall] [--count] [--pgo] [--dynamic] [--no-build]
#
# Builds the release binary of commit REV (default HEAD, exported with `git
# archive`, in a target dir of its own) and of the working tree, copies both
# to target/bench/ab/, and times them on the benchmark corpus (see
# scripts/bench.sh) in alternating pairs with scripts/bench-ab.py: medians,
# the pair-by-pair CPU ratio with a 95% interval, a verdict, and whether
# the two print the same bytes. Machines like this one are shared and
# noisy: two runs of one binary differ by more than most changes do, and
# only a ratio whose interval excludes 1 says a change did something.
#
#   --base REV   the commit to compare against (default HEAD)
#   --case CASE  posts (default: N MB of the posts as JSON Lines, one core),
#                files (the 2,000 one-post files, every core), markdown,
#                or draft (one short post)
#   --runs N     pairs of runs, even (default 20; draft 100); 16 at least
#                for a verdict
#   --mb N       MB of posts for the posts case (default 2)
#   --wall       compare wall times, not CPU times: for a change that moves
#                work onto an idle core rather than doing less of it
#   --count      count instructions instead of timing (bench-ab.py --count:
#                one run of each under valgrind's callgrind, one thread):
#                the same on a busy machine as on an idle one, so a change
#                of well under the noise of timed runs shows. Needs
#                valgrind
#   --pgo        build both with scripts/build-pgo.sh (about six minutes
#                each): code layout alone moves a long run by a few per
#                cent between two builds, and profile-guided builds lay
#                out both alike, so a change that small shows only so
#                (BENCHMARKS.md)
#   --dynamic    build both as `cargo build --release` does, not as the
#                static binaries of `cargo build-static` (see bench.sh)
#   --no-build   time the two binaries already in target/bench/ab/
#
# Waits while the machine is busy, as bench.sh does (BENCH_NO_WAIT=1 to
# skip; counts do not wait). Needs cargo, git, python3 and coreutils.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh"

base=HEAD case=posts runs="" mb=2 build=1 wall=() count=0
while [ $# -gt 0 ]; do
    case $1 in
    --base) base=$2; shift ;;
    --case) case=$2; shift ;;
    --runs) runs=$2; shift ;;
    --mb) mb=$2; shift ;;
    --no-build) build=0 ;;
    --wall) wall=(--wall) ;;
    --count) count=1 ;;
    --pgo) PGO=1 ;;
    --dynamic) STATIC=0 ;;
    -h | --help) sed -n '2,39p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
    esac
    shift
done
if ! [[ $mb =~ ^[1-9][0-9]*$ ]]; then
    echo "error: --mb takes a whole number of MB, not $mb" >&2
    exit 2
fi
case $case in
posts | files | markdown) runs=${runs:-20} ;;
draft) runs=${runs:-100} ;;
*) echo "unknown case: $case (posts, files, markdown or draft)" >&2; exit 2 ;;
esac

cd "$ROOT"
AB=$BENCH_DIR/ab
mkdir -p "$AB"
commit=$(git rev-parse --verify --quiet "$base^{commit}") || {
    echo "error: $base is not a commit of this repository" >&2
    exit 2
}
base_label=$(git rev-parse --short "$commit")
if [ "$build" = 1 ]; then
    REV=$commit
    build_think_lint
    copy_binary "$THINK_LINT" "$AB/base"
    REV=""
    build_think_lint
    copy_binary "$THINK_LINT" "$AB/candidate"
    echo "$base_label" >"$AB/base.commit"
elif [ ! -x "$AB/base" ] || [ ! -x "$AB/candidate" ]; then
    echo "error: --no-build needs target/bench/ab/base and candidate; run once without it" >&2
    exit 2
else
    base_label=$(cat "$AB/base.commit" 2>/dev/null || echo base)
fi

# The corpus bench.sh and bench-peers.sh use by default: none rewrites it.
build_corpus "$CORPUS_MB" "$CORPUS_CSV_MB" 0
C=${CORPUS#"$ROOT"/}
one_core=()
case $case in
posts)
    slice=$(slice_of "$C/posts.jsonl" $((mb * 1024)) "$C/posts-${mb}mb.jsonl")
    input=$slice
    one_core=(--one-core)
    what="$(wc -l <"$slice" | tr -d ' ') posts as JSON Lines ($(fmt_bytes "$(size_of "$slice")")), one core"
    ;;
files) input=$C/files what="$FILES_COUNT one-post files, every core" ;;
markdown) input=$C/md what="$MD_COUNT Markdown posts, every core" ;;
draft) input=$C/draft.txt what="one short draft" ;;
esac

if [ "$count" = 1 ]; then
    if ! command -v valgrind >/dev/null; then
        echo "error: --count needs valgrind (Debian: apt-get install valgrind)" >&2
        exit 2
    fi
    log "$what: instructions, one thread"
    exec python3 "$ROOT/scripts/bench-ab.py" --count \
        --base "$AB/base" --base-label "$base_label" \
        --candidate "$AB/candidate" --candidate-label "working tree" \
        -- "$input"
fi
wait_for_builds
log "$what: $runs pairs"
python3 "$ROOT/scripts/bench-ab.py" --runs "$runs" "${one_core[@]}" "${wall[@]}" \
    --base "$AB/base" --base-label "$base_label" \
    --candidate "$AB/candidate" --candidate-label "working tree" \
    -- "$input"
