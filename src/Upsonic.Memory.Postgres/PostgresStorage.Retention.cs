using Npgsql;
using Upsonic.Storage.Backends;
using P = Upsonic.Storage.Postgres.PostgresParameters;

namespace Upsonic.Storage.Postgres;

// Retention: expired sessions and profiles are filtered out by every read (a cutoff parameter) and deleted here, in bounded batches.
public sealed partial class PostgresStorage
{
    /// <summary>Deletes expired heads (then their messages and runs, see <see cref="DeleteHeadsAsync"/>) and profiles in one
    /// transaction: the named ones, or at most <see cref="ExpirySweep.Limit"/> of each, oldest first, through the <c>updated_at</c> indexes.</summary>
    protected override Task DeleteExpiredCoreAsync(ExpirySweep sweep, CancellationToken cancellationToken) =>
        WithConnectionAsync((connection, ct) =>
        {
            var limit = Math.Max(sweep.Limit, Math.Max(sweep.SessionIds?.Count ?? 0, sweep.UserIds?.Count ?? 0));
            NpgsqlParameter[] Parameters() =>
                [P.Long(sweep.CutoffMilliseconds), P.TextArray(sweep.SessionIds), P.TextArray(sweep.UserIds), P.Long(limit)];
            return DeleteHeadsAsync(
                connection, Statement(_sql.DeleteExpiredSessions, Parameters()), Statement(_sql.DeleteExpiredUserMemories, Parameters()), ct);
        }, cancellationToken);
}
