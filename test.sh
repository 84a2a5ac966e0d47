#!/usr/bin/env bash
# The single test command: builds the solution once, starts the test servers (Redis, PostgreSQL, the MongoDB stand-in) when
# their scripts exist, runs every test project of the solution, and ends with one line "N passed, N failed, N skipped" counted
# from the results.
#
#   ./test.sh            locally: tests whose server is missing skip with a message saying how to start it
#   CI=true ./test.sh    in CI (.ci/run): a missing required server fails its tests
#
# UPSONIC_KEEP_TEST_SERVERS=1 leaves the servers running afterwards (faster reruns; stop them with eng/test-servers/*.sh stop).
#
# After the tests it packs every package of the solution into artifacts/packages/ (a warning fails the pack) and runs the
# consumer smoke test (eng/consumer-smoke/run.sh: a fresh app outside the solution that references the packages by version from
# that folder and recalls across two turns on SQLite), then the tool smoke test (eng/consumer-smoke/tool.sh: `dotnet tool install`
# of the upsonic-memory tool from that folder, then the installed command imports, lists and exports a store). Each smoke test
# counts as one test in the final line.
#
# Exit code: non-zero when a test failed, the build failed, a test project failed to run, or no test ran.
# Results: TestResults/<project>.trx (one file per test project), TestResults/pack.log, TestResults/consumer-smoke.log and
# TestResults/tool-smoke.log.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

solution=Upsonic.Memory.sln
results=TestResults
started=()

log() { echo "test.sh: $*" >&2; }

stop_servers() {
  local script
  if [[ "${UPSONIC_KEEP_TEST_SERVERS:-}" == 1 ]]; then started=(); fi
  for script in "${started[@]}"; do
    bash "$script" stop >&2 || log "stopping with $script failed"
  done
  started=()
}
trap stop_servers EXIT

# Runs "<script> start" and applies the "export NAME=value" lines it prints; a missing script is skipped.
start_server() {
  local script="eng/test-servers/$1.sh" output line
  if [[ ! -f "$script" ]]; then
    log "$script not found: not starting $1 (its tests skip, or fail under CI=true)"
    return 0
  fi
  started+=("$script")
  if ! output="$(bash "$script" start)"; then
    log "$script start failed: $1 tests will skip (or fail under CI=true)"
    return 0
  fi
  while IFS= read -r line; do
    if [[ "$line" =~ ^export\ [A-Za-z_][A-Za-z0-9_]*= ]]; then
      eval "$line"
    fi
  done <<< "$output"
}

rm -rf "$results"
build_failed=0
run_failed=0
aborted_projects=()
aborted_reasons=()

log "building $solution (Release)"
if ! dotnet build "$solution" -c Release --nologo --verbosity quiet -clp:NoSummary; then
  build_failed=1
  log "the build failed; running the test projects that did build"
fi

start_server redis
start_server postgres
start_server mongo

# Test projects = projects of the solution that reference the test SDK (the shared test kit does not).
mapfile -t projects < <(dotnet sln "$solution" list | tr '\\' '/' | grep -E '\.csproj$' | while read -r p; do
  if [[ -f "$p" ]] && grep -q 'Microsoft.NET.Test.Sdk' "$p"; then echo "$p"; fi
done)

if [[ ${#projects[@]} -eq 0 ]]; then
  log "no test project found in $solution"
fi

for project in "${projects[@]}"; do
  name="$(basename "$project" .csproj)"
  log "testing $name"
  if ! dotnet test "$project" --no-build -c Release --nologo --verbosity quiet \
      --logger "trx;LogFileName=$name.trx" --results-directory "$results" \
      --blame-hang-timeout 10m --blame-hang-dump-type none; then
    if [[ ! -f "$results/$name.trx" ]]; then
      log "$name did not run (no $results/$name.trx)"
      run_failed=1
    elif ! grep -q '<UnitTestResult [^>]*outcome="Failed"' "$results/$name.trx" && ! grep -q '<Counters [^>]* failed="[1-9]' "$results/$name.trx"; then
      log "$name exited with an error without a failed test"
      run_failed=1
    fi
  fi
  # A test host that crashed or hung (the blame collector's 10-minute limit) leaves a trx of the tests it finished, all of which
  # may have passed: the tests it never ran must not pass unnoticed.
  if [[ -f "$results/$name.trx" ]] && grep -qE 'Test host process crashed|The active test run was aborted' "$results/$name.trx"; then
    log "$name: the test run was aborted (a crash or a hang); the tests after the last one it finished did not run:"
    reason="$(grep -o 'The active test run was aborted[^<]*\|inactivity time[^<]*' "$results/$name.trx" | sort -u | head -n 3 | tr '\n' ' ' || true)"
    echo "$reason" >&2
    aborted_projects+=("$name")
    aborted_reasons+=("$name: ${reason:-no reason recorded}")
    run_failed=1
  fi
done

stop_servers

# Pack + the consumer and tool smoke tests: one result each, added to the counts below.
packages=artifacts/packages
smoke_passed=0 smoke_failed=0
mkdir -p "$results"
rm -rf "$packages"
version="$(dotnet msbuild src/Upsonic.Memory/Upsonic.Memory.csproj -getProperty:PackageVersion -p:Configuration=Release 2>/dev/null || true)"
log "packing every package (version ${version:-unknown}) into $packages"
if dotnet pack "$solution" --no-build -c Release --nologo -o "$packages" >"$results/pack.log" 2>&1 \
    && ! grep -qiE ': warning ' "$results/pack.log" && [[ -n "$version" ]]; then
  log "running the consumer smoke test"
  if bash eng/consumer-smoke/run.sh "$packages" "$version" >"$results/consumer-smoke.log" 2>&1; then
    smoke_passed=$((smoke_passed + 1))
  else
    smoke_failed=$((smoke_failed + 1))
    log "the consumer smoke test failed (see $results/consumer-smoke.log):"
    tail -n 20 "$results/consumer-smoke.log" >&2
  fi
  log "running the tool install smoke test"
  if bash eng/consumer-smoke/tool.sh "$packages" "$version" >"$results/tool-smoke.log" 2>&1; then
    smoke_passed=$((smoke_passed + 1))
  else
    smoke_failed=$((smoke_failed + 1))
    log "the tool install smoke test failed (see $results/tool-smoke.log):"
    tail -n 20 "$results/tool-smoke.log" >&2
  fi
else
  smoke_failed=2
  log "packing failed or warned (see $results/pack.log):"
  grep -iE ': (warning|error) ' "$results/pack.log" | sort -u | tail -n 20 >&2 || true
fi

shopt -s nullglob
trx_files=("$results"/*.trx)
passed=0 failed=0 skipped=0
if [[ ${#trx_files[@]} -gt 0 ]]; then
  read -r passed failed skipped < <(grep -ho '<Counters [^>]*>' "${trx_files[@]}" | awk '
    function count(s, name) { return match(s, " " name "=\"[0-9]+\"") ? substr(s, RSTART + length(name) + 3, RLENGTH - length(name) - 4) + 0 : 0 }
    # The trx logger leaves notExecuted at 0 for skipped xunit tests while "executed" excludes them, so a skip is either.
    { n = count($0, "notExecuted"); d = count($0, "total") - count($0, "executed"); p += count($0, "passed"); f += count($0, "failed"); s += (n > d ? n : d) }
    END { printf "%d %d %d\n", p, f, s }')

  if [[ "$skipped" -gt 0 ]]; then
    # Skipped tests are never counted as passing: say how many skipped, and why, per reason.
    echo "Skipped tests, by reason:"
    for trx in "${trx_files[@]}"; do
      python3 - "$trx" <<'PY' || true
import collections, html, re, sys
text = open(sys.argv[1], encoding="utf-8").read()
reasons = collections.defaultdict(list)
for block in re.findall(r'<UnitTestResult [^>]*outcome="NotExecuted".*?</UnitTestResult>', text, re.S):
    m = re.search(r"<Message>(.*?)</Message>", block, re.S)
    test = re.search(r'testName="([^"]*)"', block)
    reasons[html.unescape(m.group(1)).strip() if m else "(no reason given)"].append(html.unescape(test.group(1)) if test else "?")
name = sys.argv[1].rsplit("/", 1)[-1][:-4]
for reason, tests in sorted(reasons.items(), key=lambda item: -len(item[1])):
    print(f"  {len(tests)} in {name}: {reason}")
    # Name the tests when there are few (a whole suite skipped for a missing server is one line).
    if len(tests) <= 10:
        for test in sorted(tests):
            print(f"      {test}")
PY
    done
  fi

  if [[ "$failed" -gt 0 ]]; then
    echo "Failed tests:"
    grep -h '<UnitTestResult ' "${trx_files[@]}" | grep 'outcome="Failed"' | sed -E 's/.*testName="([^"]*)".*/  \1/' | sed -e 's/&quot;/"/g' -e "s/&apos;/'/g" -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&amp;/\&/g' || true
    echo "Details: $results/*.trx"
  fi
fi

passed=$((passed + smoke_passed))
failed=$((failed + smoke_failed))
if [[ $smoke_failed -ne 0 ]]; then
  echo "Failed: the pack + smoke tests (TestResults/pack.log, TestResults/consumer-smoke.log, TestResults/tool-smoke.log)"
  # The reason, on stdout next to the counts (a CI page often shows only the end of stdout).
  for smoke_log in "$results/consumer-smoke.log" "$results/tool-smoke.log"; do
    if [[ -f "$smoke_log" ]] && grep -q 'FAILED:' "$smoke_log"; then
      echo "  $smoke_log:"
      tail -n 12 "$smoke_log" | sed 's/^/    /'
    fi
  done
  if [[ ! -f "$results/consumer-smoke.log" ]]; then
    grep -iE ': (warning|error) ' "$results/pack.log" 2>/dev/null | sort -u | tail -n 10 | sed 's/^/    /' || true
  fi
fi

status=0
if [[ $build_failed -ne 0 ]]; then echo "The build failed."; status=1; fi
if [[ ${#aborted_projects[@]} -gt 0 ]]; then
  echo "Aborted (crash or hang; the tests it had not reached did not run): ${aborted_projects[*]}"
  printf '  %s\n' "${aborted_reasons[@]}"
  # The test that was running when it stopped: blame's sequence file lists the tests in the order they started.
  for sequence in "$results"/*/Sequence_*.xml; do
    [[ -f "$sequence" ]] && grep -o 'Name="[^"]*"[^>]*Completed="False"' "$sequence" | sed -E 's/Name="([^"]*)".*/  still running: \1/' || true
  done
fi
if [[ $run_failed -ne 0 ]]; then echo "A test project failed to run."; status=1; fi
if [[ $failed -gt 0 ]]; then status=1; fi
if [[ $((passed + failed)) -eq 0 ]]; then echo "No test ran."; status=1; fi

echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
