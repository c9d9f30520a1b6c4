#!/usr/bin/env bash
# Every measurement issue 12 (bf16 on AMX) asks for, in one go, on a CPU with AMX-BF16 (Sapphire Rapids or newer):
#   1. training step float32 vs bf16 at the flan-t5-small shape (8 x 256/64) and the flan-t5-base shape (8 x 512/128),
#      MFU against each dtype's own matmul peak measured in the same run, peak RSS and the memory estimate;
#   2. greedy generation float32 vs bf16 at batch 1 and 16 (256-token sources, 64 new tokens), weights and peak RSS;
#   3. the demo run (`t5sharp train`) in float32 and with --bf16, and their final held-out ROUGE side by side
#      (the issue's quality bar: bf16 within 2 points of float32).
# Idle machine only: other load distorts every ratio. Logs go to OUT (default runs/bf16-on-amx/).
#   bench/bf16-on-amx.sh
#   SKIP_BASE=1 bench/bf16-on-amx.sh     # without the flan-t5-base training shape (about 3 min on SPR)
#   FORCE=1 bench/bf16-on-amx.sh         # on a CPU without AMX too (bf16 is emulated there: slow, the ratios < 1)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${OUT:-runs/bf16-on-amx}"
mkdir -p "$out"

if ! grep -qw amx_bf16 /proc/cpuinfo; then
  if [[ "${FORCE:-0}" != 1 ]]; then
    echo "this CPU has no AMX-BF16 (/proc/cpuinfo): bf16 would be emulated and slower than float32; FORCE=1 runs anyway" >&2
    exit 2
  fi
  export T5SHARP_CPU_FEATURES=amx_bf16 # lets --bf16 run where detection would refuse it
fi

dotnet build T5Sharp.slnx -c Release 2>&1 | grep -E " error |rror\(s\)" | sort -u
bench() { dotnet bench/T5Sharp.Bench/bin/Release/net10.0/T5Sharp.Bench.dll "$@"; }
t5sharp() { dotnet src/T5Sharp.Cli/bin/Release/net10.0/T5Sharp.Cli.dll "$@"; }

echo "== training step, flan-t5-small shape" | tee "$out/training-small.log"
bench training-dtype small 2 8 256 64 | tee -a "$out/training-small.log"
if [[ "${SKIP_BASE:-0}" != 1 ]]; then
  echo "== training step, flan-t5-base shape" | tee "$out/training-base.log"
  bench training-dtype base 1 8 512 128 | tee -a "$out/training-base.log"
fi
echo "== greedy generation, batch 1 and 16" | tee "$out/generation.log"
bench generation-dtype 256 64 2 | tee -a "$out/generation.log"

echo "== the demo run, float32 and bf16"
for dtype in float32 bf16; do
  flag=(); [[ $dtype == bf16 ]] && flag=(--bf16)
  start=$(date +%s)
  t5sharp train --output-dir "$out/demo-$dtype" "${flag[@]}" > "$out/demo-$dtype.log" 2>&1
  echo "  $dtype: $(( $(date +%s) - start )) s wall, log $out/demo-$dtype.log"
done
# the last evaluation in each metrics.jsonl (values are fractions; shown as points)
last_eval() { grep '"eval_rouge1"' "$1/metrics.jsonl" | tail -1; }
metric() { grep -o "\"$1\":[-0-9.eE]*" <<< "$2" | cut -d: -f2; }
f32=$(last_eval "$out/demo-float32"); b16=$(last_eval "$out/demo-bf16")
for key in eval_rouge1 eval_rouge2 eval_rougeL eval_loss; do
  awk -v k="$key" -v a="$(metric "$key" "$f32")" -v b="$(metric "$key" "$b16")" 'BEGIN {
    s = (k == "eval_loss") ? 1 : 100
    printf "  %-12s float32 %8.2f   bf16 %8.2f   difference %+6.2f\n", k, a * s, b * s, (b - a) * s }'
done
awk -v a="$(metric eval_rouge1 "$f32")" -v b="$(metric eval_rouge1 "$b16")" 'BEGIN {
  d = (a - b) * 100; print (d <= 2 ? "  bf16 ROUGE-1 within 2 points of float32: yes" : "  bf16 ROUGE-1 within 2 points of float32: NO") }'
