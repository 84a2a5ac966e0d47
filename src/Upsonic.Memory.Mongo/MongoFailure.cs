using MongoDB.Driver;

namespace Upsonic.Storage.Mongo;

/// <summary>Turns driver failures into <see cref="StorageException"/>s that name the operation and record, never the connection string.</summary>
internal static class MongoFailure
{
    /// <summary>The server error code of a duplicate key.</summary>
    public const int DuplicateKey = 11000;

    /// <summary>Whether <paramref name="exception"/> is a failure of the server or the driver (not bad input, not cancellation).</summary>
    public static bool IsDriverFailure(Exception exception) => exception is MongoException or TimeoutException;

    /// <summary>
    /// The <see cref="StorageException"/> for a driver failure. The message holds the operation, the record id and the failure's type
    /// only: driver messages can describe the cluster, so they stay in the inner exception.
    /// </summary>
    public static StorageException Wrap(Exception exception, string operation, string? recordId)
    {
        var subject = recordId is null ? string.Empty : $" for '{recordId}'";
        var reason = exception switch
        {
            TimeoutException => "the server did not answer in time (is it running and reachable? see serverSelectionTimeoutMS)",
            MongoAuthenticationException => "authentication failed",
            MongoConnectionException => "the connection failed",
            MongoCommandException command => $"the server refused the command (code {command.Code}, {command.CodeName})",
            MongoWriteException write => $"the write failed ({write.WriteError?.Category})",
            _ => exception.GetType().Name,
        };
        return new StorageException($"MongoDB storage operation '{operation}'{subject} failed: {reason}.", exception, operation, recordId);
    }

    /// <summary>Whether <paramref name="exception"/> is a duplicate key on a single write or a <c>findAndModify</c>.</summary>
    public static bool IsDuplicateKey(Exception exception) => exception switch
    {
        MongoWriteException write => write.WriteError?.Category == ServerErrorCategory.DuplicateKey,
        MongoCommandException command => command.Code == DuplicateKey,
        _ => false,
    };

    /// <summary>
    /// Runs an upsert, again when it lost a creation race: two upserts of a missing key can both try to insert, and the loser gets
    /// a duplicate key (servers from 4.2 retry this themselves for equality filters on a unique index; older ones and some
    /// topologies do not). The second attempt finds the document and updates it.
    /// </summary>
    public static async Task<T> RetryUpsertAsync<T>(Func<Task<T>> upsert)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await upsert().ConfigureAwait(false);
            }
            catch (Exception ex) when (attempt < 3 && IsDuplicateKey(ex))
            {
                // Lost the race to create the document: it exists now, so the next attempt updates it.
            }
        }
    }

    /// <summary>
    /// Whether every write error of a message insert is a duplicate key on <paramref name="indexName"/> (a position of a run that an
    /// interrupted save already stored). Any other error, such as a clash of sequence numbers, is a real failure and is not ignored.
    /// </summary>
    public static bool OnlyDuplicatesOn(MongoBulkWriteException exception, string indexName) =>
        exception.WriteConcernError is null && exception.WriteErrors.Count > 0
        && exception.WriteErrors.All(e => e.Code == DuplicateKey && e.Message.Contains(indexName, StringComparison.Ordinal));
}
