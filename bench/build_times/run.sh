#!/usr/bin/env bash
# Build time of a user crate from a clean target (dependencies included), before and after a
# change, alternating, same machine, same run:
#   bench/build_times/run.sh <before-checkout> <after-checkout> [rounds]
# and the build time of rustls with each crypto provider (ring, aws-lc-rs).
# Prints one line per build: round, config, command, side, seconds. Uses only the local
# registry cache (--offline); each build gets a fresh target dir, deleted afterwards.
set -euo pipefail
before=$(realpath "$1"); after=$(realpath "$2"); rounds=${3:-1}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

declare -A features=(
  [sms]='default-features = false, features = ["sms"]'
  [smpp]='default-features = false, features = ["smpp"]'
  [all]='features = ["rest", "deserialize-requests", "webhook-receiver", "dedupe-redis", "dedupe-postgres", "ratelimit-redis", "smpp", "tracing", "metrics"]'
)

user_crate() { # dir, dependency line
  mkdir -p "$1/src"
  printf '[package]\nname = "user"\nversion = "0.0.0"\nedition = "2024"\n\n[dependencies]\n%s\n\n[workspace]\n' "$2" >"$1/Cargo.toml"
  echo 'fn main() {}' >"$1/src/main.rs"
}

timed() { # dir, cargo command
  local start end
  rm -rf "$1/target"
  start=$(date +%s.%N)
  (cd "$1" && cargo "$2" --offline -q >/dev/null 2>"$1/err" || { cat "$1/err"; exit 1; })
  end=$(date +%s.%N)
  rm -rf "$1/target"
  echo "$end - $start" | bc
}

for round in $(seq "$rounds"); do
  for config in sms smpp all; do
    for cmd in check build; do
      for side in before after; do
        root=$before; [ "$side" = after ] && root=$after
        dir="$work/$side-$config"
        user_crate "$dir" "qikberry = { path = \"$root/generated\", ${features[$config]} }"
        echo "$round $config $cmd $side $(timed "$dir" "$cmd")"
      done
    done
  done
  for provider in ring aws_lc_rs; do
    dir="$work/rustls-$provider"
    user_crate "$dir" "rustls = { version = \"0.23\", default-features = false, features = [\"$provider\", \"std\", \"tls12\"] }"
    echo "$round rustls build $provider $(timed "$dir" build)"
  done
done
