#!/usr/bin/env bash
# Times whole think-lint runs on generated corpora and records peak memory.
#
#   scripts/bench.sh [--quick] [--big] [--big-mb N] [--mb N] [--csv-mb N] [--rev REV] [--pgo] [--dynamic] [--no-build]
#
# Builds the release binary, writes the corpora to target/bench/corpus (real
# posts from ../shared/eval/data/*.jsonl when that folder exists, or
# THINK_LINT_BENCH_DATA; synthetic posts otherwise), times each case with
# hyperfine (a plain loop when hyperfine is missing), and prints a table that
# it also writes to target/bench/results.md (rows in results.tsv, hyperfine's
# own exports in target/bench/raw/).
#
#   --quick      small corpora and few runs, to try the script out
#   --big        also stream a 1 GB CSV calendar once, for peak RSS
#   --big-mb N   the size of that calendar (default 1024)
#   --mb N       MB of posts, one per line (default 10)
#   --csv-mb N   size of the large CSV calendar (default 64)
#   --rev REV    measure commit REV exactly (built from `git archive` in
#                target/bench/src), not the working tree
#   --pgo        measure the profile-guided build of scripts/build-pgo.sh
#                (target/pgo/think-lint) instead of the release one
#   --dynamic    measure the plain `cargo build --release` binary, not the
#                static one of `cargo build-static` (the default on x86_64
#                Linux with glibc; see .cargo/config.toml)
#   --no-build   use the think-lint binary already built
#
# Waits while the machine is busy (BENCH_NO_WAIT=1 to skip; see bench-lib.sh). Needs cargo, awk
# and coreutils; installs hyperfine and GNU time with apt-get when root.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh"

mb=$CORPUS_MB csv_mb=$CORPUS_CSV_MB big_mb=0 quick=0 build=1
while [ $# -gt 0 ]; do
    case $1 in
    --quick) quick=1 mb=2 csv_mb=8 ;;
    --big) [ "$big_mb" = 0 ] && big_mb=1024 ;;
    --big-mb) big_mb=$2; shift ;;
    --mb) mb=$2; shift ;;
    --csv-mb) csv_mb=$2; shift ;;
    --no-build) build=0 ;;
    --pgo) PGO=1 ;;
    --dynamic) STATIC=0 ;;
    --rev) REV=$2; shift ;;
    -h | --help) sed -n '2,28p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
    esac
    shift
done

cd "$ROOT"
ensure_tools
THINK_LINT=$(built_binary)
[ "$build" = 1 ] && build_think_lint
build_corpus "$mb" "$csv_mb" "$big_mb"
mkdir -p "$BENCH_DIR"
use_installed_copy
RESULTS=$BENCH_DIR/results.tsv
: >"$RESULTS"

# Paths relative to the repository, so commands are plain words.
C=${CORPUS#"$ROOT"/}
TL=${THINK_LINT#"$ROOT"/}
V=$(think_lint_version)
ONE_CORE=()
command -v taskset >/dev/null && ONE_CORE=(taskset -c 0)
ONE="${ONE_CORE[*]} env RAYON_NUM_THREADS=1"
if [ "$quick" = 1 ]; then r_fast=10 r_mid=3 r_slow=1; else r_fast=50 r_mid=10 r_slow=3; fi

wait_for_builds
time_group startup "$r_fast" 5 separate -- \
    "think-lint|$V|draft.txt (1 short post)|$DRAFT_BYTES|all built-in packs" "$TL $C/draft.txt" \
    "think-lint --select kind|$V|draft.txt (1 short post)|$DRAFT_BYTES|one pack" "$TL --select kind $C/draft.txt"

wait_for_builds
time_group files "$r_mid" 1 wrap -- \
    "think-lint|$V|$FILES_COUNT one-post .txt files|$FILES_BYTES|folder walk" "$TL $C/files"

wait_for_builds
time_group markdown "$r_mid" 1 wrap -- \
    "think-lint|$V|$MD_COUNT Markdown posts|$MD_BYTES|front matter, links, code; bytes = file sizes" "$TL $C/md"

wait_for_builds
time_group posts "$r_slow" 1 wrap -- \
    "think-lint|$V|posts.jsonl ($(fmt_bytes "$POSTS_BYTES") of posts)|$POSTS_BYTES|JSON Lines calendar; MB/s over the post text" "$TL $C/posts.jsonl" \
    "think-lint (1 core)|$V|posts.jsonl ($(fmt_bytes "$POSTS_BYTES") of posts)|$POSTS_BYTES|RAYON_NUM_THREADS=1, pinned to one core" "$ONE $TL $C/posts.jsonl" \
    "think-lint --select kind (1 core)|$V|posts.jsonl ($(fmt_bytes "$POSTS_BYTES") of posts)|$POSTS_BYTES|one pack, one core" "$ONE $TL --select kind $C/posts.jsonl"

wait_for_builds
time_group calendar "$r_slow" 0 wrap -- \
    "think-lint|$V|calendar.csv ($(fmt_bytes "$CSV_BYTES"))|$CSV_BYTES|CSV calendar; bytes = file size" "$TL $C/calendar.csv"

if [ "$big_mb" != 0 ]; then
    wait_for_builds
    time_group big 1 0 wrap -- \
        "think-lint|$V|big.csv ($(fmt_bytes "$BIG_BYTES"), streamed)|$BIG_BYTES|one run; bytes = file size" "$TL $C/big.csv"
fi

# The report.
REPORT=$BENCH_DIR/results.md
{
    echo "# think-lint whole-process timings"
    echo
    echo "- commit: $(git -C "$ROOT" log -1 --format='%h %ad %s' --date=short 2>/dev/null || echo unknown) — think-lint $V"
    echo "- machine: $(machine)"
    echo "- corpus: $CORPUS_SOURCE posts ($CORPUS); MB = 10^6 bytes"
    if [ -n "$HYPERFINE" ]; then timer=$("$HYPERFINE" --version); else timer="a timing loop"; fi
    echo "- timer: $timer; medians of the runs shown"
    echo
    echo "| command | corpus | median wall | MB/s | peak RSS | runs | note |"
    echo "|---|---|---:|---:|---:|---:|---|"
    while IFS=$'\t' read -r name _version corpus bytes runs med rss note; do
        mbps=$(fmt_mbps "$bytes" "$med")
        case $corpus in draft*) mbps="—" ;; esac
        echo "| $name | $corpus | $(fmt_time "$med") | $mbps | $(fmt_rss "$rss") | $runs | $note |"
    done <"$RESULTS"
    echo
    echo "## Against the goals"
    echo
    # Looks a row up: field N of the first row whose name and corpus start so.
    row() { awk -F'\t' -v n="$1" -v c="$2" -v f="$3" '$1 == n && index($3, c) == 1 {print $f; exit}' "$RESULTS"; }
    startup=$(row think-lint draft.txt 6)
    startup_one=$(row "think-lint --select kind" draft.txt 6)
    one_core=$(row "think-lint (1 core)" posts.jsonl 6)
    one_core_kind=$(row "think-lint --select kind (1 core)" posts.jsonl 6)
    verdict() { awk -v v="$1" -v g="$2" -v d="$3" 'BEGIN { if (v == "") print "not measured"; else if ((d == "le" && v <= g) || (d == "ge" && v >= g)) print "met"; else print "**not met**" }'; }
    echo "| goal | measured | status |"
    echo "|---|---|---|"
    echo "| start-up, one short draft, all packs: ≤ 5 ms | $(fmt_time "$startup") (one pack: $(fmt_time "$startup_one")) | $(verdict "$startup" 0.005 le) |"
    tput=$(awk -v b="$POSTS_BYTES" -v s="$one_core" 'BEGIN { if (s > 0) print b / 1e6 / s }')
    echo "| throughput, one core, all packs: ≥ 25 MB/s | $(fmt_mbps "$POSTS_BYTES" "$one_core") MB/s (one pack: $(fmt_mbps "$POSTS_BYTES" "$one_core_kind") MB/s) | $(verdict "$tput" 25 ge) |"
    if [ "$big_mb" != 0 ]; then
        big_rss=$(row think-lint big.csv 7)
        echo "| $(fmt_bytes "$BIG_BYTES") calendar streamed: peak RSS ≤ 100 MB | $(fmt_rss "$big_rss") | $(verdict "$(awk -v k="$big_rss" 'BEGIN { if (k != "") print k / 1024 }')" 100 le) |"
    else
        echo "| 1 GB calendar streamed: peak RSS ≤ 100 MB | run with \`--big\` | not measured |"
    fi
} >"$REPORT"
cat "$REPORT"
log "written to $REPORT"
