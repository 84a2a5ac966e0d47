using Upsonic.Storage;

namespace Upsonic.Memory.Tool.Transfer;

/// <summary>Checks that a target store holds a session exactly as expected: row counts, then the checksum of every record.</summary>
internal static class SessionVerifier
{
    /// <summary>
    /// Compares the target's copy of <paramref name="sessionId"/> with <paramref name="expected"/>; returns <see langword="null"/>
    /// when identical, else what differs.
    /// </summary>
    public static async Task<string?> CompareAsync(StorePager target, string sessionId, SessionDigest expected, CancellationToken cancellationToken)
    {
        var counts = await target.Storage.CountSessionRowsAsync(sessionId, cancellationToken).ConfigureAwait(false);
        if (counts is null)
        {
            return $"session '{sessionId}' is missing from the target";
        }

        if (counts.Runs != expected.Runs || counts.Messages != expected.Messages)
        {
            return $"session '{sessionId}': expected {expected.Runs} runs and {expected.Messages} messages, the target holds {counts.Runs} and {counts.Messages}";
        }

        var window = await target.Storage.LoadSessionWindowAsync(sessionId, 0, cancellationToken).ConfigureAwait(false);
        if (window is null)
        {
            return $"session '{sessionId}' is missing from the target";
        }

        var actual = await target.DigestSessionAsync(window.Session, null, cancellationToken).ConfigureAwait(false);
        return actual.Checksum == expected.Checksum
            ? null
            : $"session '{sessionId}': checksum {actual.Checksum} in the target, {expected.Checksum} expected (same counts, different content)";
    }
}
