#!/bin/bash
# Time from `cargo xtask sandbox` to "# ready" on stdout (tools already installed).
cd "$(dirname "$0")/../.."
TOOLS="${QIKBERRY_TOOLS:-$PWD/.tools}"
OUT=$(mktemp); ERR=$(mktemp)
for i in 1 2 3 4 5; do
  rm -f "$OUT" "$ERR"
  start=$(date +%s.%N)
  QIKBERRY_TOOLS=$TOOLS cargo xtask sandbox --port 0 --smpp-port 0 --print-env > "$OUT" 2> "$ERR" &
  pid=$!
  until grep -q "# ready" "$OUT" 2>/dev/null; do sleep 0.02; done
  end=$(date +%s.%N)
  inner=$(grep -o "ready in [0-9.]* s" "$ERR")
  echo "run $i: $(echo "$end - $start" | bc) s total; sandbox says: $inner"
  # stop the xtask process cargo started (cargo does not forward SIGTERM)
  child=$(pgrep -P $pid)
  kill -TERM ${child:-$pid}; wait $pid
done
rm -f "$OUT" "$ERR"
uptime
