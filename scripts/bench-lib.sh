# Helpers shared by scripts/bench.sh, bench-peers.sh and bench-ab.sh (and
# .ci/run, for where the static binary is built).
# Sourced, not run. Everything it writes stays under target/.
# shellcheck shell=bash

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
BENCH_DIR=${BENCH_DIR:-$TARGET_DIR/bench}
CORPUS=$BENCH_DIR/corpus
RAW=$BENCH_DIR/raw
DATA_DIR=${THINK_LINT_BENCH_DATA:-$ROOT/../shared/eval/data}
THINK_LINT=$TARGET_DIR/release/think-lint
HYPERFINE=""
TIME_BIN=""
APT_UPDATED=0
LOAD_CHECKED=0

log() { printf '== %s\n' "$*" >&2; }
warn() { printf 'warning: %s\n' "$*" >&2; }

# apt-get install, as root only, with one `apt-get update` per run.
apt_install() {
    command -v apt-get >/dev/null && [ "$(id -u)" = 0 ] || return 1
    if [ "$APT_UPDATED" = 0 ]; then
        apt-get update -qq >/dev/null 2>&1 || true
        APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1
}

# hyperfine for timing, GNU time for peak RSS; installs them when it can,
# else falls back (a timing loop; no RSS column).
ensure_tools() {
    command -v hyperfine >/dev/null || apt_install hyperfine || true
    if command -v hyperfine >/dev/null; then
        HYPERFINE=$(command -v hyperfine)
    else
        warn "hyperfine not found: using a plain timing loop (medians only)"
    fi
    [ -x /usr/bin/time ] || apt_install time || true
    if [ -x /usr/bin/time ] && /usr/bin/time -f %M true 2>/dev/null; then
        TIME_BIN=/usr/bin/time
    else
        warn "GNU time (/usr/bin/time) not found: peak RSS is not recorded"
    fi
}

# Waits while cargo, rustc or a fuzzer run, or (before the first timing
# only: later our own runs raise it) the load average is high. Other work
# skews timings, and ours skews theirs. BENCH_NO_WAIT=1 skips
# the wait; BENCH_WAIT_MAX caps it (seconds); BENCH_MAX_LOAD is the 1-minute
# load average taken as quiet (default: half the cores).
busy() {
    local max_load=${BENCH_MAX_LOAD:-$(awk -v n="$(nproc 2>/dev/null || echo 1)" 'BEGIN {print n / 2}')}
    pgrep -x cargo >/dev/null || pgrep -x rustc >/dev/null || pgrep -x afl-fuzz >/dev/null ||
        { [ "$LOAD_CHECKED" = 0 ] && awk -v m="$max_load" '{exit !($1 > m)}' /proc/loadavg 2>/dev/null; }
}
wait_for_builds() {
    [ "${BENCH_NO_WAIT:-0}" = 1 ] && return 0
    local waited=0 max=${BENCH_WAIT_MAX:-1800}
    while busy; do
        if [ "$waited" = 0 ]; then log "waiting for other builds or heavy jobs to finish (load $(cut -d' ' -f1 /proc/loadavg))"; fi
        if [ "$waited" -ge "$max" ]; then
            warn "machine still busy after ${max}s (load $(cut -d' ' -f1 /proc/loadavg)); timing anyway, results may be noisy"
            return 0
        fi
        sleep 5
        waited=$((waited + 5))
    done
    LOAD_CHECKED=1
}

# Builds the release binary of the working tree, or with REV set (--rev) of
# that commit exactly, exported with `git archive` to target/bench/src
# (its own target dir, so the working tree's builds are left alone). With
# PGO=1 (--pgo), the binary scripts/build-pgo.sh makes instead. The release
# binary is the static one of `cargo build-static` (.cargo/config.toml)
# where that can be built, the plain `cargo build --release` one elsewhere
# or with STATIC=0 (--dynamic); a commit from before the alias is built
# with the working tree's, so that two commits are built alike.
REV=""
PGO=0
STATIC=${STATIC:-}
STATIC_TARGET=x86_64-unknown-linux-gnu

# Whether the release binary built and timed is the static one: STATIC=1
# or 0 says so; unset, where it can be built (x86_64 Linux, glibc with its
# static libraries, and the working tree's alias).
static_build() {
    case $STATIC in
    1) return 0 ;;
    0) return 1 ;;
    esac
    [ "$(uname -s)" = Linux ] && [ "$(uname -m)" = x86_64 ] &&
        grep -q '^build-static' "$ROOT/.cargo/config.toml" 2>/dev/null &&
        { ldd --version 2>&1 | grep -qiE 'gnu|glibc'; } &&
        [ -f "$(cc -print-file-name=libc.a 2>/dev/null)" ]
}

build_think_lint() {
    local src=$ROOT target what="the working tree" commit
    target=$(build_target_dir)
    if [ -n "$REV" ]; then
        commit=$(git -C "$ROOT" rev-parse --verify "$REV^{commit}")
        what=${commit:0:10}
        src=$BENCH_DIR/src
        rm -rf "$src"
        mkdir -p "$src"
        git -C "$ROOT" archive "$commit" | tar -x -C "$src"
    fi
    if [ "$PGO" = 1 ]; then
        if [ ! -f "$src/scripts/build-pgo.sh" ]; then
            echo "error: --pgo needs scripts/build-pgo.sh, which $what does not have (it came with ae8781a)" >&2
            exit 2
        fi
        log "building think-lint (release, profile-guided) at $what"
        (cd "$src" && CARGO_TARGET_DIR=$target STATIC=$STATIC bash scripts/build-pgo.sh >/dev/null)
    elif static_build; then
        if [ -n "$REV" ]; then
            mkdir -p "$src/.cargo"
            cp "$ROOT/.cargo/config.toml" "$src/.cargo/config.toml"
        fi
        log "building think-lint (release, static) at $what"
        (cd "$src" && CARGO_TARGET_DIR=$target cargo build-static --quiet --bin think-lint)
    else
        log "building think-lint (release) at $what"
        (cd "$src" && CARGO_TARGET_DIR=$target cargo build --release --quiet --bin think-lint)
    fi
    THINK_LINT=$(built_binary)
}

# The target dir build_think_lint builds in: the working tree's, or for
# --rev one of its own.
build_target_dir() {
    if [ -n "$REV" ]; then echo "$BENCH_DIR/build"; else echo "$TARGET_DIR"; fi
}

# Where build_think_lint leaves the binary for the options given.
built_binary() {
    if [ "$PGO" = 1 ]; then
        echo "$(build_target_dir)/pgo/think-lint"
    elif static_build; then
        echo "$(build_target_dir)/$STATIC_TARGET/release/think-lint"
    else
        echo "$(build_target_dir)/release/think-lint"
    fi
}

# Times a copy of the binary, as `cargo install` leaves one, not the file
# cargo has just linked: on this kind of machine the linked file starts
# slower than a copy of the same bytes (one draft: 6.8 ms against 4.3 ms,
# with about the same 600 page faults), a cost of how that file's pages
# are held, not of think-lint, and not what an installed binary pays.
use_installed_copy() {
    local bin=$BENCH_DIR/bin/think-lint
    copy_binary "$THINK_LINT" "$bin"
    THINK_LINT=$bin
}

# copy_binary FROM TO: a copy of FROM at TO, made whole beside it first, so
# that TO is never half written; stops the script if the copy fails.
copy_binary() {
    mkdir -p "$(dirname "$2")"
    cp "$1" "$2.tmp"
    mv -f "$2.tmp" "$2"
}

# Whether binary $1 was linked statically: it names no dynamic loader
# (asked of readelf, or where that is missing, of static_build).
linked_statically() {
    if command -v readelf >/dev/null; then
        ! readelf -l "$1" 2>/dev/null | grep -q 'program interpreter'
    else
        static_build
    fi
}

# The version measured: the commit, with "+dirty" when the working tree's
# sources differ from it (and no --rev was given).
think_lint_version() {
    local v commit pgo=""
    if [ "$PGO" = 1 ]; then pgo=", PGO"; fi
    if linked_statically "$THINK_LINT"; then pgo="$pgo, static"; fi
    v=$("$THINK_LINT" --version 2>/dev/null | awk '{print $2}')
    if [ -n "$REV" ]; then
        echo "$v ($(git -C "$ROOT" rev-parse --short "$REV^{commit}")$pgo)"
        return
    fi
    commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
    if ! git -C "$ROOT" diff --quiet HEAD -- src rules Cargo.toml Cargo.lock build.rs .cargo 2>/dev/null; then
        commit="$commit+dirty"
    fi
    echo "$v ($commit$pgo)"
}

# The corpus the scripts share by default: MB of posts, and the size of
# the large CSV calendar. A script that asks for others rewrites it.
CORPUS_MB=10
CORPUS_CSV_MB=64

# build_corpus MB CSV_MB BIG_MB(0 = none): writes the corpora with the
# `corpus` bench target unless the same ones are already there, then loads
# their sizes (corpus.env) into the environment.
build_corpus() {
    local mb=$1 csv_mb=$2 big_mb=$3 data="" params
    if [ -d "$DATA_DIR" ] && ls "$DATA_DIR"/*.jsonl >/dev/null 2>&1; then
        data=$DATA_DIR
    fi
    params="v1 mb=$mb csv=$csv_mb big=$big_mb data=$data"
    if [ -f "$CORPUS/corpus.env" ] && [ "$(cat "$CORPUS/corpus.params" 2>/dev/null)" = "$params" ]; then
        log "reusing corpus in $CORPUS"
    else
        log "writing corpus to $CORPUS (${data:-synthetic posts})"
        rm -rf "$CORPUS"
        local args=(--out "$CORPUS" --mb "$mb" --csv-mb "$csv_mb")
        [ -n "$data" ] && args+=(--data "$data")
        [ "$big_mb" != 0 ] && args+=(--big-mb "$big_mb")
        (cd "$ROOT" && cargo bench --quiet --bench corpus -- "${args[@]}")
        echo "$params" >"$CORPUS/corpus.params"
    fi
    # shellcheck disable=SC1091
    . "$CORPUS/corpus.env"
}

# A slice of posts.txt of about N KB (whole lines), for peers too slow for
# the full text. Prints its path.
posts_slice() {
    slice_of "$CORPUS/posts.txt" "$1" "$CORPUS/posts-${1}kb.txt"
}

# slice_of FILE KB OUT: the first KB kilobytes of FILE in whole lines (the
# line cut short left out; all of FILE when it is no bigger), written to
# OUT unless it is there already. Prints OUT.
slice_of() {
    local file=$1 bytes=$(($2 * 1024)) out=$3
    if [ ! -f "$out" ]; then
        if [ "$(size_of "$file")" -le "$bytes" ]; then
            cp "$file" "$out.tmp"
        else
            head -c "$bytes" "$file" | sed '$d' >"$out.tmp"
        fi
        mv -f "$out.tmp" "$out"
    fi
    echo "$out"
}

size_of() { wc -c <"$1" | tr -d ' '; }

median() { sort -g | awk '{a[NR]=$1} END {if (NR==0) print "nan"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

# peak_rss CMD...: the maximum resident set size of one run, in kB.
peak_rss() {
    [ -n "$TIME_BIN" ] || { echo ""; return; }
    local f
    f=$(mktemp)
    "$TIME_BIN" -f %M -o "$f" "$@" >/dev/null 2>&1 || true
    tail -n 1 "$f"
    rm -f "$f"
}

# RESULTS is a TSV file with one row per measurement:
# tool, version, corpus, bytes, runs, median seconds, peak RSS kB, note.
add_row() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$RESULTS"; }

# time_group ID RUNS WARMUP RSS_MODE -- NAME|VERSION|CORPUS|BYTES|NOTE CMD ...
# Times commands side by side in one hyperfine run (exports in raw/ID.*),
# then adds a row for each. Commands are plain words (no shell), so paths
# must not contain spaces. RSS_MODE is `wrap` (GNU time around every run:
# for long runs, where its ~1 ms does not matter) or `separate` (one extra
# run for the RSS, so start-up timings stay clean).
time_group() {
    local id=$1 runs=$2 warmup=$3 rss_mode=$4
    shift 5
    local labels=() cmds=() i
    while [ $# -gt 0 ]; do
        labels+=("$1")
        cmds+=("$2")
        shift 2
    done
    mkdir -p "$RAW"
    local timed=() rss_files=()
    for i in "${!cmds[@]}"; do
        rss_files[i]="$RAW/$id.$i.rss"
        rm -f "${rss_files[i]}"
        if [ "$rss_mode" = wrap ] && [ -n "$TIME_BIN" ]; then
            timed[i]="$TIME_BIN -f %M -a -o ${rss_files[i]} ${cmds[i]}"
        else
            timed[i]=${cmds[i]}
        fi
    done
    local medians=()
    if [ -n "$HYPERFINE" ]; then
        local hf=("$HYPERFINE" -N -i --style basic --runs "$runs" --warmup "$warmup"
            --export-csv "$RAW/$id.csv" --export-markdown "$RAW/$id.md" --export-json "$RAW/$id.json")
        for i in "${!cmds[@]}"; do
            hf+=(-n "${labels[i]%%|*}" "${timed[i]}")
        done
        log "timing $id: ${#cmds[@]} command(s), $runs run(s) each"
        "${hf[@]}" >&2
        # CSV columns: command, mean, stddev, median, user, system, min, max.
        for i in "${!cmds[@]}"; do
            medians[i]=$(awk -F, -v row=$((i + 2)) 'NR == row {print $4}' "$RAW/$id.csv")
        done
    else
        log "timing $id with a loop: ${#cmds[@]} command(s), $runs run(s) each"
        for i in "${!cmds[@]}"; do
            local words t0 t1 k
            read -ra words <<<"${timed[i]}"
            for ((k = 0; k < warmup; k++)); do "${words[@]}" >/dev/null 2>&1 || true; done
            medians[i]=$(for ((k = 0; k < runs; k++)); do
                t0=$(date +%s%N)
                "${words[@]}" >/dev/null 2>&1 || true
                t1=$(date +%s%N)
                awk -v a="$t0" -v b="$t1" 'BEGIN {print (b - a) / 1e9}'
            done | median)
        done
    fi
    for i in "${!cmds[@]}"; do
        local rss="" words
        if [ "$rss_mode" = wrap ] && [ -f "${rss_files[i]}" ]; then
            rss=$(sort -n "${rss_files[i]}" | tail -n 1)
        else
            read -ra words <<<"${cmds[i]}"
            rss=$(peak_rss "${words[@]}")
        fi
        local name version corpus bytes note
        IFS='|' read -r name version corpus bytes note <<<"${labels[i]}"
        add_row "$name" "$version" "$corpus" "$bytes" "$runs" "${medians[i]}" "$rss" "$note"
    done
}

# Formatting helpers for the tables.
fmt_time() {
    awk -v s="$1" 'BEGIN {
        if (s == "" || s == "nan") print "n/a";
        else if (s < 1) printf "%.1f ms", s * 1000;
        else if (s < 120) printf "%.2f s", s;
        else printf "%d min %02d s", int(s / 60), s - 60 * int(s / 60) }'
}
fmt_mbps() {
    awk -v b="$1" -v s="$2" 'BEGIN {
        if (b == "" || s == "" || s == "nan" || s <= 0) print "—";
        else { v = b / 1e6 / s; if (v < 10) printf "%.2f", v; else printf "%.0f", v } }'
}
fmt_rss() {
    awk -v k="$1" 'BEGIN { if (k == "") print "n/a"; else if (k < 10240) printf "%.1f MB", k / 1024; else printf "%.0f MB", k / 1024 }'
}
fmt_bytes() {
    awk -v b="$1" 'BEGIN { if (b < 1e6) printf "%.0f KB", b / 1e3; else printf "%.1f MB", b / 1e6 }'
}

# The machine, for the report.
machine() {
    local model cores mem
    model=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//')
    cores=$(nproc 2>/dev/null || echo '?')
    mem=$(awk '/MemTotal/ {printf "%.0f GB", $2 / 1048576}' /proc/meminfo 2>/dev/null)
    echo "${model:-unknown CPU}, $cores cores, ${mem:-? GB} RAM, $(uname -sr)"
}
