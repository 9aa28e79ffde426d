#!/usr/bin/env bash
# The generator corpus against progenitor, side by side (BENCHMARKS.md, "Foreign specs"):
#   bench/corpus_progenitor/run.sh [extra-spec.yaml …]
# Runs every spec of codegen/tests/corpus/ (and any extra spec given, e.g. a peer's public spec
# kept outside the repository) through `cargo xtask generate --spec --out` and through the pinned
# cargo-progenitor 0.15.1 (`--interface builder`, installed into the git-ignored
# .tools/progenitor when missing, as bench/race does), then `cargo check`s each generated crate.
# Prints one markdown table row per spec: for each generator, whether it generated (ok /
# refused: its message / panicked) and whether the result compiled (ok / failed / -).
# Scratch files go to bench/corpus_progenitor/target (git-ignored); progenitor's crates need
# their own dependencies, so the check is online the first time.
set -uo pipefail
root=$(realpath "$(dirname "$0")/../..")
work="$root/bench/corpus_progenitor/target"
progenitor="$root/.tools/progenitor/bin/cargo-progenitor"
mkdir -p "$work"
if [ ! -x "$progenitor" ]; then
  cargo install --locked --version =0.15.1 --root "$root/.tools/progenitor" cargo-progenitor >&2
fi
(cd "$root" && cargo build -q -p xtask) >&2 || exit 1
xtask="${CARGO_TARGET_DIR:-$root/target}/debug/xtask"
export CARGO_TARGET_DIR="$work/cargo-target"

# One line of why a step failed: a panic, else the first `error` line.
why() { # stderr file
  if grep -q "panicked at" "$1"; then echo "panicked"; else
    echo "refused: $(grep -m1 -iE "error" "$1" | sed 's/|/\\|/g' | cut -c1-110)"; fi
}

check() { # crate dir, log
  if (cd "$1" && cargo check -q --all-features >"$2" 2>&1); then echo ok; else echo failed; fi
}

echo "| spec | qikberry-codegen: generate | qikberry-codegen: cargo check | progenitor 0.15.1: generate | progenitor 0.15.1: cargo check |"
echo "|---|---|---|---|---|"
for spec in "$root"/codegen/tests/corpus/*.yaml "$@"; do
  name=$(basename "$spec" .yaml)
  ours="$work/ours-$name"; prog="$work/prog-$name"
  rm -rf "$ours" "$prog"
  if "$xtask" generate --spec "$spec" --out "$ours" --crate-name "ours-${name//_/-}" \
      >/dev/null 2>"$work/ours-$name.err"; then
    printf '[workspace]\n' >>"$ours/Cargo.toml"
    g1=ok; c1=$(check "$ours" "$work/ours-$name.check")
  else g1=$(why "$work/ours-$name.err"); c1=-; fi
  if "$progenitor" progenitor -i "$spec" -o "$prog" -n "prog-${name//_/-}" -v 0.1.0 \
      --interface builder >/dev/null 2>"$work/prog-$name.err"; then
    printf '\n[workspace]\n' >>"$prog/Cargo.toml"
    g2=ok; c2=$(check "$prog" "$work/prog-$name.check")
  else g2=$(why "$work/prog-$name.err"); c2=-; fi
  echo "| $name | $g1 | $c1 | $g2 | $c2 |"
done
