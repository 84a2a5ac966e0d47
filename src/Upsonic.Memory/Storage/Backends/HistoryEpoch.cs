using System.Diagnostics.CodeAnalysis;

namespace Upsonic.Storage.Backends;

/// <summary>
/// The history epoch a backend stores in a session head (<see cref="SessionWindowMark.Epoch"/>): drawn anew when the head is
/// created and whenever the record API rewrites the session, so a mark never matches a session replaced since it was read.
/// </summary>
[Experimental(StorageBase.ExperimentalDiagnosticId)]
public static class HistoryEpoch
{
    /// <summary>A new epoch: a random positive 64-bit value (0 is what rows stored before epochs existed hold).</summary>
    public static long New() => Random.Shared.NextInt64(1, long.MaxValue);
}
