#!/usr/bin/env bash
# Fault injection, the long form of CrashSafetyTests.KilledTrainingResumesToTheUninterruptedResult: `t5sharp train` on a
# tiny model with a save every step, SIGKILLed at random points KILLS times (default 25); after every kill each
# checkpoint-N present must be complete and loadable, and the run resumed from its folder must end with the
# uninterrupted run's metrics.jsonl and final weights. SEED fixes the kill points (printed on failure).
#   bench/kill-during-training.sh            # 25 kills
#   KILLS=40 SEED=7 bench/kill-during-training.sh
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build T5Sharp.slnx -c Release 2>&1 | grep -E " error |rror\(s\)" | sort -u
T5SHARP_KILLS="${KILLS:-25}" T5SHARP_KILL_SEED="${SEED:-$RANDOM}" \
  dotnet test T5Sharp.slnx -c Release --no-build --filter "FullyQualifiedName~CrashSafetyTests.KilledTrainingResumesToTheUninterruptedResult" \
  --logger "console;verbosity=normal"
