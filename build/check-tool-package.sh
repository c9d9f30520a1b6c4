#!/usr/bin/env bash
# Packs T5Sharp (library) and T5Sharp.Cli (the t5sharp .NET tool), installs the tool into a temporary tool path from
# those packages alone, and runs it from there: --help, a verb without libtorch (tokenize), the demo's files (train
# --dry-run reads samples/) and generate on the tiny fixture model, which loads libtorch, so the package must carry a
# loadable libLibTorchSharp.so (patched, with its shim, where libstdc++ is old). generate must print exactly what the
# build output prints (whose texts the test suite checks against transformers).
# Run from .ci/run after the tests (packing rebuilds into the bin folders the tests use).
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
model=../shared/fixtures/hf2/tiny-flan-32k
text="Summarize: A: Are you coming to lunch? B: Yes, at one."

dotnet pack src/T5Sharp -c Release -o "$work/feed" -v quiet -nologo
dotnet pack src/T5Sharp.Cli -c Release -o "$work/feed" -v quiet -nologo
ls -l "$work/feed"

# Only the packages just made: a config with no other source, and a packages folder of its own (a cached package of the
# same version would otherwise be installed instead of the new one).
cat > "$work/nuget.config" <<EOF
<configuration><packageSources><clear /><add key="local" value="$work/feed" /></packageSources></configuration>
EOF
NUGET_PACKAGES="$work/packages" dotnet tool install --tool-path "$work/tools" --configfile "$work/nuget.config" T5Sharp.Cli

t5sharp="$work/tools/t5sharp"
"$t5sharp" --help | grep -q "t5sharp \[command\] \[options\]" || { echo "error: usage does not name t5sharp" >&2; exit 1; }
"$t5sharp" tokenize --model ../shared/models/t5-tokenizer --input "hello" | grep -q "21820 1"
"$t5sharp" train --dry-run --output-dir "$work/demo" | grep -q "216 examples"
installed=$("$t5sharp" generate --model "$model" --input "$text" --max-new-tokens 20)
built=$(src/T5Sharp.Cli/bin/Release/net10.0/t5sharp generate --model "$model" --input "$text" --max-new-tokens 20)
if [ -z "$installed" ] || [ "$installed" != "$built" ]; then
  echo "error: the installed tool generated '$installed', the build output '$built'" >&2
  exit 1
fi
echo "installed t5sharp tool: help, tokenize, train --dry-run and generate ('$installed') work"
