#!/usr/bin/env bash
# The consumer smoke test of the packages: checks that every package in a folder holds the files a consumer needs, then builds
# and runs a fresh console app (Program.cs and RecallModel.cs of this folder, copied to a temporary directory outside the
# repository so no Directory.Build.props or project reference applies) that references every package BY VERSION from that
# folder through its own nuget.config (the folder + nuget.org).
#
#   eng/consumer-smoke/run.sh <package folder> <version>
#
# Exit code 0 when everything works; non-zero, with the reason on stderr, when a package misses a file, the app does not
# restore or build against the packages, or a two-turn recall (Agent and middleware, on SQLite) does not recall.
# Packages the app needs besides ours come from the global packages folder when present (a fallback folder; nothing is
# downloaded twice); ours are extracted into the temporary directory, so a stale copy of the same version is never used.
set -euo pipefail

log() { echo "consumer-smoke: $*" >&2; }
die() { log "FAILED: $*"; exit 1; }

[[ $# -eq 2 ]] || { echo "usage: $0 <package folder> <version>" >&2; exit 2; }
feed="$(cd "$1" && pwd)"
version="$2"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
packages=(Upsonic.Memory Upsonic.Memory.Sqlite Upsonic.Memory.Postgres Upsonic.Memory.Redis Upsonic.Memory.Mongo Upsonic.Memory.Models)

# 1. Every .nupkg in the folder (ours, and any package added later) holds its assembly, XML docs, readme and icon, and has
#    symbols next to it.
shopt -s nullglob
nupkgs=("$feed"/*."$version".nupkg)
[[ ${#nupkgs[@]} -gt 0 ]] || die "no package of version $version in $feed"
for package in "${packages[@]}"; do
  [[ -f "$feed/$package.$version.nupkg" ]] || die "$package.$version.nupkg is missing from $feed"
done
for nupkg in "${nupkgs[@]}"; do
  id="$(basename "$nupkg" ".$version.nupkg")"
  entries="$(unzip -Z1 "$nupkg")"
  for required in README.md icon.png "$id.nuspec"; do
    grep -qx "$required" <<<"$entries" || die "$(basename "$nupkg") has no $required"
  done
  if grep -q '^lib/' <<<"$entries"; then
    grep -qx "lib/net10.0/$id.dll" <<<"$entries" || die "$(basename "$nupkg") has no lib/net10.0/$id.dll"
    grep -qx "lib/net10.0/$id.xml" <<<"$entries" || die "$(basename "$nupkg") has no XML documentation (lib/net10.0/$id.xml)"
    snupkg="${nupkg%.nupkg}.snupkg"
    [[ -f "$snupkg" ]] || die "$(basename "$snupkg") (symbols) is missing"
    grep -qx "lib/net10.0/$id.pdb" <<<"$(unzip -Z1 "$snupkg")" || die "$(basename "$snupkg") has no lib/net10.0/$id.pdb"
  fi
done
log "${#nupkgs[@]} packages of version $version hold their files"

# 2. A fresh app outside the repository.
work="$(mktemp -d "${TMPDIR:-/tmp}/upsonic-consumer-smoke.XXXXXX")"
trap 'rm -rf "$work"' EXIT
app="$work/app"
mkdir -p "$app"
cp "$here/Program.cs" "$here/RecallModel.cs" "$app/"
global="$(dotnet nuget locals global-packages --list | sed -E 's/^global-packages: //')"
{
  echo '<Project Sdk="Microsoft.NET.Sdk">'
  echo '  <PropertyGroup>'
  echo '    <OutputType>Exe</OutputType>'
  echo '    <TargetFramework>net10.0</TargetFramework>'
  echo '    <Nullable>enable</Nullable>'
  echo '    <ImplicitUsings>enable</ImplicitUsings>'
  echo '    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>'
  echo '    <!-- As in the repository: a package mirror may serve System.Numerics.Tensors 10.0.14 for >= 10.0.13. -->'
  echo '    <NoWarn>$(NoWarn);NU1603</NoWarn>'
  echo '  </PropertyGroup>'
  echo '  <ItemGroup>'
  for package in "${packages[@]}"; do
    echo "    <PackageReference Include=\"$package\" Version=\"$version\" />"
  done
  echo '  </ItemGroup>'
  echo '</Project>'
} >"$app/ConsumerSmoke.csproj"
cat >"$app/nuget.config" <<CONFIG
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <config>
    <add key="globalPackagesFolder" value="$work/packages" />
  </config>
  <packageSources>
    <clear />
    <add key="local" value="$feed" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
  <packageSourceMapping>
    <packageSource key="local">
      <package pattern="Upsonic.Memory" />
      <package pattern="Upsonic.Memory.*" />
    </packageSource>
    <packageSource key="nuget.org">
      <package pattern="*" />
    </packageSource>
  </packageSourceMapping>
  <fallbackPackageFolders>
    <clear />
    <add key="global" value="$global" />
  </fallbackPackageFolders>
</configuration>
CONFIG

# A fallback folder wins over the sources, so a copy of this very version of our packages in the global folder (left by an
# earlier local-feed install) would hide the packages under test: refuse rather than test a stale copy.
for package in "${packages[@]}"; do
  lower="$(tr '[:upper:]' '[:lower:]' <<<"$package")"
  if [[ -d "$global/$lower/$version" ]]; then
    die "$global$lower/$version exists (an earlier install of this version); remove it (rm -rf $global$lower/$version) or build another version (UPSONIC_VERSION_SUFFIX)"
  fi
done

log "building a fresh consumer app in $app"
(cd "$app" && dotnet build -c Release --nologo -v q -clp:NoSummary) >&2 || die "the consumer app did not restore or build against the packages"
log "running it"
(cd "$app" && dotnet run -c Release --no-build -- "$work") || die "the consumer app failed"
