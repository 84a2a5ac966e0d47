#!/usr/bin/env bash
# The install smoke test of the upsonic-memory dotnet tool: installs Upsonic.Memory.Tool from a package folder with
# `dotnet tool install --tool-path <tmp> --add-source <folder>` (as a user installs it from a feed), then runs the installed
# command: --version must print the version, and an export file imported into a fresh SQLite store must list, export back
# unchanged (but for the header) and pass doctor.
#
#   eng/consumer-smoke/tool.sh <package folder> <version>
#
# Exit code 0 when everything works; non-zero, with the reason on stderr, otherwise. The install uses a temporary NuGet packages
# folder, so a stale copy of the same version in the global packages folder is never what gets tested.
set -euo pipefail

log() { echo "tool-smoke: $*" >&2; }
die() { log "FAILED: $*"; exit 1; }

[[ $# -eq 2 ]] || { echo "usage: $0 <package folder> <version>" >&2; exit 2; }
feed="$(cd "$1" && pwd)"
version="$2"
[[ -f "$feed/Upsonic.Memory.Tool.$version.nupkg" ]] || die "Upsonic.Memory.Tool.$version.nupkg is missing from $feed"
# Lists are captured before grep reads them: `producer | grep -q` under pipefail fails whenever grep exits first (SIGPIPE).
entries="$(unzip -Z1 "$feed/Upsonic.Memory.Tool.$version.nupkg")" || die "unzip could not read Upsonic.Memory.Tool.$version.nupkg"
grep -qx "tools/net10.0/any/DotnetToolSettings.xml" <<<"$entries" \
  || die "Upsonic.Memory.Tool.$version.nupkg is not a dotnet tool package (no tools/net10.0/any/DotnetToolSettings.xml)"

work="$(mktemp -d "${TMPDIR:-/tmp}/upsonic-tool-smoke.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cat >"$work/nuget.config" <<CONFIG
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local" value="$feed" />
  </packageSources>
</configuration>
CONFIG

log "installing Upsonic.Memory.Tool $version into $work/tools"
(cd "$work" && NUGET_PACKAGES="$work/packages" dotnet tool install Upsonic.Memory.Tool --version "$version" \
  --tool-path "$work/tools" --add-source "$feed" --configfile "$work/nuget.config") >&2 \
  || die "dotnet tool install failed"
tool="$work/tools/upsonic-memory"
[[ -x "$tool" ]] || die "the install did not create the upsonic-memory command"

printed="$("$tool" --version)" || die "upsonic-memory --version failed"
[[ "$printed" == "$version"* ]] || die "upsonic-memory --version printed '$printed', expected $version"

# A one-session export, hand-written in the documented format (docs/tool.md), imported and exported back.
cat >"$work/in.jsonl" <<'JSONL'
{"kind":"header","format":"upsonic-memory-export","version":1,"exported_at":"2026-01-01T00:00:00.000Z","source":"sqlite","filter":null}
{"kind":"session","session":{"session_id":"smoke-1","session_type":"agent","agent_id":"agent-1","team_id":null,"workflow_id":null,"user_id":"alice","session_data":null,"metadata":null,"agent_data":null,"summary":"Alice said hello.","summary_watermark":1,"usage":null,"created_at":"2026-01-01T00:00:00.000Z","updated_at":"2026-01-01T00:00:01.000Z"}}
{"kind":"run","session_id":"smoke-1","message_count":2,"run":{"run_id":"run-1","sequence":1,"agent_id":"agent-1","agent_name":"Helper","user_id":"alice","status":"COMPLETED","pause_reason":null,"error":null,"input":"Hello","output":"Hi Alice","usage":null,"metadata":null,"created_at":"2026-01-01T00:00:00.000Z","updated_at":"2026-01-01T00:00:01.000Z"}}
{"kind":"message","session_id":"smoke-1","sequence":1,"turn":1,"run_id":"run-1","in_history":true,"message":{"role":"user","contents":[{"$type":"text","text":"Hello"}]}}
{"kind":"message","session_id":"smoke-1","sequence":2,"turn":1,"run_id":"run-1","in_history":true,"message":{"role":"assistant","contents":[{"$type":"text","text":"Hi Alice"}]}}
JSONL
checksum="sha256:$(sed -n '2,5p' "$work/in.jsonl" | sha256sum | cut -d' ' -f1)"
cat >>"$work/in.jsonl" <<JSONL
{"kind":"session_end","session_id":"smoke-1","runs":1,"messages":2,"checksum":"$checksum"}
{"kind":"footer","sessions":1,"runs":1,"messages":2,"user_memories":0,"knowledge":0}
JSONL

store="sqlite:$work/smoke.db"
"$tool" import "$work/in.jsonl" --storage "$store" >&2 || die "upsonic-memory import failed"
listed="$("$tool" sessions list --storage "$store" --json)" || die "upsonic-memory sessions list failed"
grep -q '"session_id": "smoke-1"' <<<"$listed" || die "sessions list does not show the imported session"
"$tool" export --storage "$store" --output "$work/out.jsonl" >&2 || die "upsonic-memory export failed"
diff <(tail -n +2 "$work/in.jsonl") <(tail -n +2 "$work/out.jsonl") >&2 || die "the export differs from the imported file"
"$tool" doctor --storage "$store" >&2 || die "upsonic-memory doctor reported a problem"
log "the installed upsonic-memory $version imports, lists, exports and checks a store"
