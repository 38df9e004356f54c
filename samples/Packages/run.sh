#!/usr/bin/env bash
# Packs NetSim's libraries and the netsim tool into a local folder feed, then builds and runs this sample from that
# feed and installs the tool from it, as a user would. tests/Samples.Tests runs it in CI.
# Usage: samples/Packages/run.sh [WORKDIR]   (default: a new temporary folder)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=${1:-$(mktemp -d)}
mkdir -p "$work"
# A version of its own for every run, so the NuGet cache never serves a package built from other sources.
version="0.1.0-local.$(date +%Y%m%d%H%M%S).$$"
feed="$work/feed"
cache=$(dotnet nuget locals global-packages --list | sed 's/^global-packages: //')
cleanup() { for id in netsim.protocol netsim.network netsim.actors netsim.bridge netsim.scenario netsim.cli; do rm -rf "$cache/$id/$version"; done; }
trap cleanup EXIT

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
for project in Protocol Network Actors Bridge Scenario Cli; do
  dotnet pack "$root/src/$project" -c Release -p:Version="$version" -o "$feed" -v q --nologo
done
echo "packed: $(cd "$feed" && ls *.nupkg | tr '\n' ' ')"

# The sample, copied out of the repository: it restores NetSim.* from the folder feed only, the rest from nuget.org.
app="$work/app"
mkdir -p "$app"
cp "$here/Program.cs" "$here/Packages.csproj" "$here/Directory.Build.props" "$here/Directory.Packages.props" "$app/"
cat > "$app/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="netsim-local" value="$feed" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
  <packageSourceMapping>
    <packageSource key="netsim-local"><package pattern="NetSim.*" /></packageSource>
    <packageSource key="nuget.org"><package pattern="*" /></packageSource>
  </packageSourceMapping>
</configuration>
XML
dotnet run --project "$app" -c Release -p:NetSimVersion="$version"

# The netsim command as a dotnet tool from the same feed.
dotnet tool install NetSim.Cli --version "$version" --tool-path "$work/tools" --add-source "$feed"
"$work/tools/netsim" validate "$root/samples/two-hosts-tun.conf"
