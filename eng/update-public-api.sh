#!/usr/bin/env bash
# Regenerates PublicAPI.Unshipped.txt of every packable project (src/* and the test projects with IsPackable=true, today
# tests/Upsonic.Memory.Testing) from the code, so the public API analyzers (RS0016/RS0017, errors) accept the current API.
# Run it after a deliberate public API change and review the diff of the PublicAPI.*.txt files: every line is public API.
#
#   bash eng/update-public-api.sh                      # every packable project
#   bash eng/update-public-api.sh src/Upsonic.Memory   # only these project folders
#
# PublicAPI.Shipped.txt is left as it is (it changes only at a release: move the Unshipped lines into it); a missing one is
# created with just "#nullable enable". Each project takes about 75 s (dotnet format loads the whole workspace).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$#" -gt 0 ]; then
  dirs=("$@")
else
  dirs=(src/*/)
  for csproj in tests/*/*.csproj; do
    if grep -q '<IsPackable>true</IsPackable>' "$csproj"; then
      dirs+=("$(dirname "$csproj")")
    fi
  done
fi

for dir in "${dirs[@]}"; do
  dir="${dir%/}"
  csproj=$(ls "$dir"/*.csproj)
  if grep -q '<PackAsTool>true</PackAsTool>' "$csproj"; then continue; fi   # a dotnet tool has no public API to track
  [ -f "$dir/PublicAPI.Shipped.txt" ] || echo "#nullable enable" > "$dir/PublicAPI.Shipped.txt"
  # Start from an empty Unshipped list, so entries of removed API do not linger; the fixer adds what the code declares.
  echo "#nullable enable" > "$dir/PublicAPI.Unshipped.txt"
  start=$(date +%s)
  dotnet format analyzers "$csproj" --diagnostics RS0016 RS0017 --severity warn
  echo "update-public-api: $dir: $(($(grep -c . "$dir/PublicAPI.Unshipped.txt") - 1)) unshipped entries ($(($(date +%s) - start)) s)"
done

echo "update-public-api: done; check with: dotnet build Upsonic.Memory.sln -c Release"
