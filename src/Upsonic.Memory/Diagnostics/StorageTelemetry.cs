using System.Diagnostics;
using System.Net;

namespace Upsonic.Storage;

/// <summary>
/// Storage spans and the storage duration histogram, per the OpenTelemetry database conventions: a client span named
/// <c>{operation} {collection}</c> with <c>db.system.name</c>, <c>db.operation.name</c> (the <see cref="IStorage"/> operation,
/// for example <c>AppendRun</c>), <c>db.collection.name</c> (the table or collection the operation is about, when it is about one)
/// and <c>server.address</c>/<c>server.port</c> for a server backend. Used by the operation wrapper of
/// <see cref="Backends.StorageBase"/>, so every backend built on it is traced the same way.
/// </summary>
/// <remarks><b>Security considerations:</b> never statement text, parameters, keys, record ids or message text: only the
/// operation name, the configured table name and the endpoint.</remarks>
internal static class StorageTelemetry
{
    /// <summary>Runs <paramref name="work"/> as one traced and timed storage operation of <paramref name="storage"/>.</summary>
    public static async Task<T> TraceAsync<T>(IStorage storage, string system, string operation, DnsEndPoint? server, Func<Task<T>> work)
    {
        using var scope = Start(storage, system, operation, server);
        try
        {
            return await work().ConfigureAwait(false);
        }
        catch (Exception ex) when (scope.Fail(ex))
        {
            throw;
        }
    }

    /// <summary>Starts the span and the clock of one storage operation (see <see cref="TraceAsync{T}"/>).</summary>
    public static TelemetryScope Start(IStorage storage, string system, string operation, DnsEndPoint? server)
    {
        var collection = CollectionOf(storage, operation);
        var tags = new TagList { { TelemetryNames.DbSystem, system }, { TelemetryNames.DbOperation, operation } };
        if (collection is not null)
        {
            tags.Add(TelemetryNames.DbCollection, collection);
        }

        var scope = TelemetryScope.Start(collection is null ? operation : $"{operation} {collection}", ActivityKind.Client,
            MemoryTelemetry.StorageOperationDuration, tags);
        if (scope.Activity is { } activity)
        {
            foreach (var tag in tags)
            {
                activity.SetTag(tag.Key, tag.Value);
            }

            if (server is not null)
            {
                activity.SetTag(TelemetryNames.ServerAddress, server.Host);
                activity.SetTag(TelemetryNames.ServerPort, server.Port);
            }
        }

        return scope;
    }

    /// <summary>
    /// The table (collection) an operation is about, from its name: knowledge operations use the knowledge table, user-memory
    /// and profile operations the user-memory table, the other session, run and hot-path operations the session table. Operations
    /// over several tables (<c>ClearAll</c>, <c>DeleteUserData</c>, <c>TableExists</c>, <c>EnsureCreated</c>) have none.
    /// </summary>
    public static string? CollectionOf(IStorage storage, string operation) => operation switch
    {
        "ClearAll" or "DeleteUserData" or "TableExists" or "EnsureCreated" => null,
        _ when operation.Contains("Knowledge", StringComparison.Ordinal) => storage.KnowledgeTable,
        _ when operation.Contains("UserMemor", StringComparison.Ordinal) || operation.Contains("UserProfile", StringComparison.Ordinal) => storage.UserMemoryTable,
        _ => storage.SessionTable,
    };
}
