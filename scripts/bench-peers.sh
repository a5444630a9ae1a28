#!/usr/bin/env bash
# Times think-lint side by side with the prose linters people use today and
# two fast reference scanners, on the same corpora, in one run.
#
#   scripts/bench-peers.sh [--quick] [--cap TOOL=KB]... [--skip a,b] [--rev REV] [--pgo] [--dynamic] [--no-install] [--no-build]
#
# Installs into target/peers/ (nothing outside target/ is touched except an
# apt-get install of hyperfine, GNU time or ripgrep when missing and root):
#   npm   alex, write-good, textlint + textlint-rule-write-good, harper.js
#   pip   proselint (in a venv)
#   cargo typos-cli; harper-cli when crates.io has it (it has not so far:
#         then Harper runs as harper.js, its WebAssembly build, through a
#         ten-line Node driver written to target/peers/npm/harper-lint.mjs)
#   apt   ripgrep (else cargo install ripgrep)
# Corpora (shared with scripts/bench.sh, in target/bench/corpus):
#   draft    one short draft
#   files    2,000 one-post .txt files (think-lint, typos and rg get the
#            folder; the others every file on the command line)
#   posts    10 MB of posts one per line: posts.jsonl for think-lint (a JSON
#            Lines calendar), the same text as posts.txt for everyone else
# Every tool runs with the settings shown in the table; hyperfine's own
# tables land in target/bench/raw/peers-*.md, ours in target/bench/peers.md.
#
#   --quick           2 MB of posts, slow peers capped at 1 MB, fewer runs
#   --cap TOOL=KB     give TOOL only the first KB kilobytes of posts.txt
#                     (0: all of it). Defaults: write-good 1024 and harper
#                     256, because they slow down faster than linearly with
#                     the size of the file (write-good: 0.3 MB in 2 s but
#                     1 MB in 21 s; harper.js: 0.1 MB in 6 s, 1 MB in 5 min),
#                     so 10 MB would take far over ten minutes. A capped tool
#                     is compared by MB/s, which flatters it.
#   --skip a,b        leave tools out (alex, write-good, textlint, proselint,
#                     harper, typos, rg, rg-i)
#   --no-install      use what is already in target/peers
#   --rev REV         measure think-lint at commit REV exactly (see bench.sh)
#   --pgo             measure think-lint's profile-guided build (see bench.sh)
#   --dynamic         measure the plain release binary, not the static one
#                     (see bench.sh)
#   --no-build        use the think-lint binary already built
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh"

PEERS=$TARGET_DIR/peers
mb=$CORPUS_MB quick=0 install=1 build=1 skip=","
declare -A CAP=([write-good]=1024 [harper]=256)
while [ $# -gt 0 ]; do
    case $1 in
    --quick) quick=1 mb=2 CAP=([proselint]=1024 [write-good]=1024 [textlint]=1024 [alex]=1024 [harper]=256) ;;
    --cap) CAP[${2%%=*}]=${2#*=}; shift ;;
    --skip) skip=",$2,"; shift ;;
    --no-install) install=0 ;;
    --no-build) build=0 ;;
    --pgo) PGO=1 ;;
    --dynamic) STATIC=0 ;;
    --rev) REV=$2; shift ;;
    -h | --help) sed -n '2,39p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
    esac
    shift
done
wanted() { [[ $skip != *",$1,"* ]]; }

# Pinned versions, so that re-runs compare like with like.
ALEX_V=11.0.1 WRITE_GOOD_V=1.0.8 TEXTLINT_V=15.8.0 TEXTLINT_WG_V=2.0.0 HARPER_JS_V=2.10.0
PROSELINT_V=0.16.0 TYPOS_V=1.52.0

NPM_BIN=$PEERS/npm/node_modules/.bin
install_npm() {
    command -v npm >/dev/null || { warn "npm not found: skipping alex, write-good, textlint, harper.js"; return 0; }
    if [ ! -x "$NPM_BIN/textlint" ] || [ ! -d "$PEERS/npm/node_modules/harper.js" ]; then
        log "npm: installing alex, write-good, textlint, harper.js into $PEERS/npm"
        npm install --prefix "$PEERS/npm" --no-audit --no-fund --loglevel=error \
            "alex@$ALEX_V" "write-good@$WRITE_GOOD_V" "textlint@$TEXTLINT_V" \
            "textlint-rule-write-good@$TEXTLINT_WG_V" "harper.js@$HARPER_JS_V" >&2 ||
            warn "npm install failed"
    fi
}

# Harper's WebAssembly build has no CLI: lint each file given, print
# every lint, like the other tools do. Written on every run, so that
# --no-install finds it too.
write_harper_driver() {
    cat >"$PEERS/npm/harper-lint.mjs" <<'EOF'
import { readFileSync } from 'node:fs';
import { LocalLinter } from 'harper.js';
import { binaryInlined } from 'harper.js/binaryInlined';
const linter = new LocalLinter({ binary: binaryInlined });
await linter.setup();
for (const path of process.argv.slice(2)) {
  const lints = await linter.lint(readFileSync(path, 'utf8'), { language: 'plaintext' });
  for (const lint of lints) console.log(`${path}: ${lint.message()}`);
}
EOF
}

install_pip() {
    [ -x "$PEERS/venv/bin/proselint" ] && return 0
    log "pip: installing proselint into $PEERS/venv"
    { python3 -m venv "$PEERS/venv" && "$PEERS/venv/bin/pip" install -q "proselint==$PROSELINT_V"; } >&2 ||
        warn "proselint install failed"
}

cargo_install() { # crate [version] [timeout seconds]
    local args=(--locked --root "$PEERS/cargo" "$1")
    [ -n "${2:-}" ] && args+=(--version "$2")
    CARGO_TARGET_DIR=$PEERS/build timeout "${3:-1800}" cargo install "${args[@]}" >&2
}

install_cargo() {
    if wanted typos && [ ! -x "$PEERS/cargo/bin/typos" ]; then
        log "cargo: installing typos-cli into $PEERS/cargo"
        cargo_install typos-cli "$TYPOS_V" || warn "typos-cli install failed"
    fi
    if wanted harper && [ ! -x "$PEERS/cargo/bin/harper-cli" ] && [ ! -f "$PEERS/harper-cli.unavailable" ]; then
        log "cargo: trying harper-cli from crates.io (skipped after ${HARPER_TIMEOUT:-1200}s)"
        if ! cargo_install harper-cli "" "${HARPER_TIMEOUT:-1200}"; then
            warn "harper-cli did not install from crates.io; using harper.js"
            touch "$PEERS/harper-cli.unavailable"
        fi
    fi
    if wanted rg && ! command -v rg >/dev/null && [ ! -x "$PEERS/cargo/bin/rg" ]; then
        apt_install ripgrep || cargo_install ripgrep || warn "ripgrep install failed"
    fi
}

cd "$ROOT"
mkdir -p "$PEERS"
ensure_tools
if [ "$install" = 1 ]; then
    install_npm
    install_pip
    install_cargo
fi
THINK_LINT=$(built_binary)
[ "$build" = 1 ] && build_think_lint
build_corpus "$mb" "$CORPUS_CSV_MB" 0
mkdir -p "$BENCH_DIR"
use_installed_copy
RESULTS=$BENCH_DIR/peers.tsv
: >"$RESULTS"

C=${CORPUS#"$ROOT"/}
P=${PEERS#"$ROOT"/}
TL=${THINK_LINT#"$ROOT"/}
TL_V=$(think_lint_version)
FILES=$(printf '%s ' "$C"/files/*.txt)

# name, version and command prefix of each peer that is there.
declare -A VER CMD
pkg_version() { sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$PEERS/npm/node_modules/$1/package.json" 2>/dev/null | sed -n 1p; }
if wanted alex && [ -x "$NPM_BIN/alex" ]; then
    VER[alex]=$(pkg_version alex); CMD[alex]="$P/npm/node_modules/.bin/alex --text"
fi
if wanted write-good && [ -x "$NPM_BIN/write-good" ]; then
    VER[write-good]=$(pkg_version write-good); CMD[write-good]="$P/npm/node_modules/.bin/write-good"
fi
if wanted textlint && [ -x "$NPM_BIN/textlint" ]; then
    VER[textlint]="$(pkg_version textlint) + write-good rule $(pkg_version textlint-rule-write-good)"
    CMD[textlint]="$P/npm/node_modules/.bin/textlint --no-textlintrc --rule write-good"
fi
if wanted proselint && [ -x "$PEERS/venv/bin/proselint" ]; then
    VER[proselint]=$("$PEERS/venv/bin/proselint" version 2>/dev/null | awk '{print $2}'); CMD[proselint]="$P/venv/bin/proselint check"
fi
if wanted harper; then
    if [ -x "$PEERS/cargo/bin/harper-cli" ]; then
        VER[harper]="harper-cli $("$PEERS/cargo/bin/harper-cli" --version 2>/dev/null | awk '{print $NF}')"
        CMD[harper]="$P/cargo/bin/harper-cli lint"
    elif [ -d "$PEERS/npm/node_modules/harper.js" ] && command -v node >/dev/null; then
        write_harper_driver
        VER[harper]="harper.js $(pkg_version harper.js) (WebAssembly)"; CMD[harper]="node $P/npm/harper-lint.mjs"
    fi
fi
if wanted typos && [ -x "$PEERS/cargo/bin/typos" ]; then
    VER[typos]=$("$PEERS/cargo/bin/typos" --version | awk '{print $2}'); CMD[typos]="$P/cargo/bin/typos"
fi
RG=$(command -v rg || echo "$PEERS/cargo/bin/rg")
if [ -x "$RG" ]; then
    # Two scans for the 500 words: exact case (ripgrep's fast literal
    # search, the practical limit) and any case, whole words (what a word
    # list linter has to match, far slower in ripgrep).
    rg_v=$("$RG" --version | awk 'NR == 1 {print $2}')
    if wanted rg; then
        VER[rg]="$rg_v, 500 words, exact case"
        CMD[rg]="$RG --count-matches --fixed-strings --file $C/words500.txt"
    fi
    if wanted rg-i; then
        VER[rg-i]="$rg_v, 500 words, -i -w"
        CMD[rg-i]="$RG --count-matches --ignore-case --word-regexp --fixed-strings --file $C/words500.txt"
    fi
fi
SLOW=(proselint write-good textlint alex)
FAST=(typos rg rg-i)
log "tools: think-lint ${!CMD[*]}"

# Labels: NAME|VERSION|KEY: corpus description|BYTES|NOTE
draft_args=() files_args=() fast_args=() slow_args=() capped_args=()
draft_args+=("think-lint|$TL_V|draft: draft.txt, one short post|$DRAFT_BYTES|all built-in packs" "$TL $C/draft.txt")
files_args+=("think-lint|$TL_V|files: $FILES_COUNT one-post files|$FILES_BYTES|the folder" "$TL $C/files")
fast_args+=("think-lint|$TL_V|posts: $(fmt_bytes "$POSTS_BYTES"), one post per line|$POSTS_BYTES|posts.jsonl (JSON Lines calendar)" "$TL $C/posts.jsonl")
for tool in "${FAST[@]}" "${SLOW[@]}" harper; do
    [ -n "${CMD[$tool]:-}" ] || continue
    v=${VER[$tool]}
    draft_args+=("$tool|$v|draft: draft.txt, one short post|$DRAFT_BYTES|" "${CMD[$tool]} $C/draft.txt")
    case $tool in
    typos | rg | rg-i) files_args+=("$tool|$v|files: $FILES_COUNT one-post files|$FILES_BYTES|the folder" "${CMD[$tool]} $C/files") ;;
    *) files_args+=("$tool|$v|files: $FILES_COUNT one-post files|$FILES_BYTES|every file as an argument" "${CMD[$tool]} $FILES") ;;
    esac
    cap=${CAP[$tool]:-0}
    if [ "$cap" != 0 ] && [ "$((cap * 1024))" -lt "$POSTS_BYTES" ]; then
        slice=$(posts_slice "$cap")
        bytes=$(size_of "$slice")
        capped_args+=("$tool|$v|posts: $(fmt_bytes "$POSTS_BYTES"), one post per line|$bytes|capped: first $(fmt_bytes "$bytes") only" "${CMD[$tool]} ${slice#"$ROOT"/}")
    else
        case $tool in
        typos | rg | rg-i) fast_args+=("$tool|$v|posts: $(fmt_bytes "$POSTS_BYTES"), one post per line|$POSTS_BYTES|posts.txt" "${CMD[$tool]} $C/posts.txt") ;;
        *) slow_args+=("$tool|$v|posts: $(fmt_bytes "$POSTS_BYTES"), one post per line|$POSTS_BYTES|posts.txt" "${CMD[$tool]} $C/posts.txt") ;;
        esac
    fi
done

if [ "$quick" = 1 ]; then r_draft=5 r_files=1 r_fast=3; else r_draft=10 r_files=5 r_fast=5; fi
wait_for_builds
time_group peers-draft "$r_draft" 2 separate -- "${draft_args[@]}"
wait_for_builds
# One warm-up round: the first run after another tool's reads the 2,000
# files and think-lint's tables cold, and swung think-lint's 3-run median
# from 55 to 155 ms.
time_group peers-files "$r_files" 1 wrap -- "${files_args[@]}"
wait_for_builds
time_group peers-posts-fast "$r_fast" 1 wrap -- "${fast_args[@]}"
if [ ${#slow_args[@]} -gt 0 ]; then
    wait_for_builds
    time_group peers-posts-slow 1 0 wrap -- "${slow_args[@]}"
fi
if [ ${#capped_args[@]} -gt 0 ]; then
    wait_for_builds
    time_group peers-posts-capped 1 0 wrap -- "${capped_args[@]}"
fi

# think-lint's speed over each peer's, corpus by corpus: the ratio of MB/s
# (the same as the ratio of wall times when both read the whole corpus).
goal() { # tool corpus-key -> the goal for think-lint's ratio
    case "$2:$1" in
    posts:proselint | posts:textlint | posts:alex) echo 100 ;;
    posts:typos) echo 1 ;;
    posts:rg | posts:rg-i) echo 0.2 ;;
    files:write-good) echo 20 ;;
    *) echo "" ;;
    esac
}
REPORT=$BENCH_DIR/peers.md
{
    echo "# think-lint and its peers, side by side"
    echo
    echo "- commit: $(git -C "$ROOT" log -1 --format='%h %ad %s' --date=short 2>/dev/null || echo unknown) — think-lint $TL_V"
    echo "- machine: $(machine)"
    echo "- corpus: $CORPUS_SOURCE posts; MB = 10^6 bytes; medians"
    echo
    echo "| tool | version | corpus | median wall | MB/s | peak RSS | runs | think-lint is | goal | note |"
    echo "|---|---|---|---:|---:|---:|---:|---:|---|---|"
    while IFS=$'\t' read -r name version corpus bytes runs med rss note; do
        key=${corpus%%:*}
        tl=$(awk -F'\t' -v k="$key" '$1 == "think-lint" && index($3, k ":") == 1 {print $4 "\t" $6; exit}' "$RESULTS")
        ratio=$(awk -v tb="${tl%%$'\t'*}" -v ts="${tl##*$'\t'}" -v b="$bytes" -v s="$med" 'BEGIN {
            if (ts <= 0 || s <= 0 || b <= 0) { print ""; exit }
            print (tb / ts) / (b / s) }')
        g=$(goal "$name" "$key")
        if [ "$name" = think-lint ] || [ -z "$ratio" ]; then
            shown="" status=""
        else
            shown=$(awk -v r="$ratio" 'BEGIN { if (r >= 10) printf "%.0f× faster", r; else if (r >= 1) printf "%.1f× faster", r; else printf "%.1f× slower", 1 / r }')
            if [ -n "$g" ]; then
                want=$(awk -v g="$g" 'BEGIN { if (g >= 1) printf "≥ %g× faster", g; else printf "within %g×", 1 / g }')
                status=$(awk -v r="$ratio" -v g="$g" -v w="$want" 'BEGIN { if (r >= g) print w ": met"; else print w ": **not met**" }')
            else
                status=""
            fi
        fi
        mbps=$(fmt_mbps "$bytes" "$med")
        [ "$key" = draft ] && mbps="—"
        echo "| $name | $version | ${corpus#*: } | $(fmt_time "$med") | $mbps | $(fmt_rss "$rss") | $runs | $shown | $status | $note |"
    done <"$RESULTS"
} >"$REPORT"
cat "$REPORT"
log "written to $REPORT; hyperfine's tables are in $RAW/peers-*.md"
