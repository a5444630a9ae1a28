#!/usr/bin/env bash
# Runs each fuzz target with AFL++ for a while (default 300 s each), two
# at a time on two cores, and prints executions and crashes per target.
#
#   fuzz/run.sh                 # every target, 300 s each
#   fuzz/run.sh 600 csv yaml    # these targets, 600 s each
#
# Needs cargo-afl (`cargo install cargo-afl`), which builds AFL++ with the
# system's C compiler; works on the stable toolchain. Crashes land in
# fuzz/out/TARGET/default/crashes/: keep each as a regression test in tests/.
set -euo pipefail
cd "$(dirname "$0")"
secs="${1:-300}"
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(text_engine markdown csv json jsonl yaml)
cargo afl build --release
export AFL_NO_AFFINITY=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_QUIET=1
run_one() {
    local t="$1"
    # Resume where a previous run left off, when there is one.
    local input="seeds/$t"
    [ -d "out/$t/default/queue" ] && input="-"
    cargo afl fuzz -i "$input" -o "out/$t" -V "$secs" -t 2000 "target/release/$t" >"out/$t.log" 2>&1 || true
}
mkdir -p out
i=0
for t in "${targets[@]}"; do
    run_one "$t" &
    i=$((i + 1))
    if [ $((i % 2)) -eq 0 ]; then wait; fi
done
wait
for t in "${targets[@]}"; do
    stats="out/$t/default/fuzzer_stats"
    if [ -f "$stats" ]; then
        execs=$(awk -F' *: *' '$1=="execs_done"{print $2}' "$stats")
        run=$(awk -F' *: *' '$1=="run_time"{print $2}' "$stats")
        crashes=$(awk -F' *: *' '$1=="saved_crashes"{print $2}' "$stats")
        hangs=$(awk -F' *: *' '$1=="saved_hangs"{print $2}' "$stats")
        paths=$(awk -F' *: *' '$1=="corpus_count"{print $2}' "$stats")
        echo "$t: $execs execs in ${run}s, corpus $paths, crashes $crashes, hangs $hangs"
    else
        echo "$t: no stats (see out/$t.log)"
    fi
done
