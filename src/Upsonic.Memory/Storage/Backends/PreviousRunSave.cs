using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.AI;

namespace Upsonic.Storage.Backends;

/// <summary>What an earlier save of the same run stored: read by an append so a run saved again writes only what is new.</summary>
/// <param name="Sequence">The run's sequence in its session (kept on every later save).</param>
/// <param name="MessageCount">How many of the run's messages are stored.</param>
/// <param name="Usage">The run's usage as already counted in the session's usage.</param>
/// <param name="CreatedAt">When the run was first saved.</param>
[Experimental(StorageBase.ExperimentalDiagnosticId)]
public sealed record PreviousRunSave(long Sequence, int MessageCount, UsageDetails? Usage, DateTimeOffset? CreatedAt);
