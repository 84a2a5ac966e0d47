using System.Diagnostics.CodeAnalysis;
using Upsonic.Storage;
using Upsonic.Storage.Backends;

namespace Upsonic.Memory.ExampleBackend.Tests;

// Retention (expire): every read skips expired records (the kit's IsExpired over the stored updated_at). The base calls
// DeleteExpiredCoreAsync before each write for the records it touches, so a write to an expired session or profile starts afresh,
// and at most once a minute for any records: the bounded sweep.
public sealed partial class NotebookStorage
{
    /// <inheritdoc />
    protected override Task DeleteExpiredCoreAsync(ExpirySweep sweep, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Delete(_sessions, sweep.SessionIds, s => Read<AgentSession>(s.Head).UpdatedAt);
            Delete(_profiles, sweep.UserIds, json => Read<UserMemory>(json).UpdatedAt);
        }

        return Task.CompletedTask;

        // The named records (null: any), those that have expired, at most the sweep's limit.
        void Delete<T>(Dictionary<string, T> records, IReadOnlyList<string>? ids, Func<T, DateTimeOffset?> updatedAt) =>
            (ids ?? [.. records.Keys]).Where(id => records.TryGetValue(id, out var record) && sweep.Covers(updatedAt(record)))
                .Take(sweep.Limit).ToList().ForEach(id => records.Remove(id));
    }

    /// <summary>Whether a stored session has expired.</summary>
    private bool Expired(Session state) => IsExpired(Read<AgentSession>(state.Head).UpdatedAt);

    /// <summary>A session that exists and has not expired.</summary>
    private bool TryGetLive(string sessionId, [NotNullWhen(true)] out Session? state) =>
        _sessions.TryGetValue(sessionId, out state) && !Expired(state);
}
