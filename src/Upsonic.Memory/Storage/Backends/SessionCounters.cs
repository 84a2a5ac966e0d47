using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Upsonic.Storage.Backends;

/// <summary>What an append reads from an existing session head: its counters and the head fields an append changes.</summary>
/// <param name="RunCount">The highest run (turn) sequence used in the session.</param>
/// <param name="MessageCount">The highest message sequence used in the session.</param>
/// <param name="Usage">The session's usage.</param>
/// <param name="AgentData">The session's agent data (a backend that merges the agent name in the engine may pass <see langword="null"/>).</param>
[Experimental(StorageBase.ExperimentalDiagnosticId)]
public sealed record SessionCounters(long RunCount, long MessageCount, UsageDetails? Usage, JsonObject? AgentData);
