using Upsonic.Storage.Backends;

namespace Upsonic.Storage.Sqlite;

// Retention: expired sessions and profiles are filtered out by every read (@live_after) and deleted here, in bounded batches.
public sealed partial class SqliteStorage
{
    /// <summary>Deletes expired sessions (messages, runs, head) and profiles in one write transaction: the named ones, or at most
    /// <see cref="ExpirySweep.Limit"/> of each, oldest first, by the <c>updated_at</c> indexes.</summary>
    protected override Task DeleteExpiredCoreAsync(ExpirySweep sweep, CancellationToken cancellationToken) =>
        InScopeAsync(write: true, async scope =>
        {
            var limit = Math.Max(sweep.Limit, Math.Max(sweep.SessionIds?.Count ?? 0, sweep.UserIds?.Count ?? 0));
            await using var command = scope.Command(_sql.DeleteExpired).Bind("@cutoff", sweep.CutoffMilliseconds)
                .BindIds("@session_ids", sweep.SessionIds).BindIds("@user_ids", sweep.UserIds).Bind("@limit", limit);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
}
