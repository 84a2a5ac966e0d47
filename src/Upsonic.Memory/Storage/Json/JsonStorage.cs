using System.Text.Json;

namespace Upsonic.Storage;

/// <summary>
/// A storage of plain files in one directory: an append-only log per session, and each session head, user profile and knowledge
/// row as one JSON file replaced atomically. Several processes can share the directory.
/// </summary>
/// <remarks>
/// <para>Layout under <see cref="DbPath"/> (default <c>upsonic_json_db</c>, the Python SDK's name): <c>&lt;sessionTable&gt;/</c>
/// holds <c>&lt;key&gt;.log.jsonl</c> (one line appended per run save, replaced only when the session is written whole; the first
/// line holds the session as created) and
/// <c>&lt;key&gt;.head.json</c> (the head: summary, metadata, usage); <c>&lt;userMemoryTable&gt;/&lt;key&gt;.json</c> and
/// <c>&lt;knowledgeTable&gt;/&lt;key&gt;.json</c> hold one record each. A key is the SHA-256 of the record id (hex), so any id
/// is a safe file name. Whole files are written to a temporary file, flushed and renamed over the old one, so a reader or a
/// crash sees the old or the new file, never a mix.</para>
/// <para>Every operation holds a lock on <c>.lock</c> in the directory (an exclusive file lock, released by the operating
/// system when a process dies), so writers in any number of processes never lose a run, a message or a key. A process killed
/// while appending leaves at most a torn last line, which reads ignore and the next append cuts off: a run is saved whole or not
/// at all. Each append is flushed to disk before it returns.</para>
/// <para>Costs: the first operation on a session reads its log, later ones by the same instance only what was appended since;
/// listing reads every session. It suits development, tests and
/// small single-machine deployments; for long sessions or many sessions use a database backend.</para>
/// <para>With <c>expire</c> set, a session or profile not written for that many seconds is never returned, and its files are
/// deleted the next time it is read or listed.</para>
/// <para><b>Security considerations:</b> the files hold conversations and user profiles verbatim, unencrypted. On Unix the
/// directories are created readable by the owner only (0700); keep the directory on a private disk and include it in your data
/// retention and deletion procedures (<see cref="StorageBase.DeleteUserDataAsync"/> deletes a user's files). Stored data never
/// names a type to instantiate. Setting <c>DOTNET_SYSTEM_IO_DISABLEFILELOCKING</c> disables the file lock and with it the
/// guarantees for several processes.</para>
/// </remarks>
public sealed partial class JsonStorage : StorageBase
{
    /// <summary>The directory used when none is given (relative to the working directory).</summary>
    public const string DefaultDbPath = "upsonic_json_db";

    /// <summary>How long an operation waits for the directory's lock before failing with <see cref="StorageException"/>.</summary>
    public static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(30);

    private readonly JsonFileLock _lock;

    /// <summary>The session read last (used only while holding the lock; checked against its files before every use).</summary>
    private JsonSession? _recent;

    /// <summary>The session read last without rows (same rules as <see cref="_recent"/>).</summary>
    private JsonSession? _recentWithoutRows;

    /// <summary>Creates a storage over a directory (created on the first operation).</summary>
    /// <param name="dbPath">The directory; <see cref="DefaultDbPath"/> when null or empty.</param>
    /// <param name="sessionTable">The sessions' subdirectory; <c>upsonic_sessions</c> when null or empty.</param>
    /// <param name="userMemoryTable">The profiles' subdirectory; <c>upsonic_user_memories</c> when null or empty.</param>
    /// <param name="knowledgeTable">The knowledge rows' subdirectory; <c>upsonic_knowledge</c> when null or empty.</param>
    /// <param name="id">The storage id; a new GUID string when null or empty.</param>
    /// <param name="expire">Seconds after its last write when a session or profile expires; null = never.</param>
    /// <param name="timeProvider">The clock for stored times and expiry; <see cref="TimeProvider.System"/> when null.</param>
    /// <exception cref="ArgumentException">A table name is invalid, or <paramref name="dbPath"/> is not a valid path.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="expire"/> is not positive.</exception>
    public JsonStorage(string? dbPath = null, string? sessionTable = null, string? userMemoryTable = null, string? knowledgeTable = null,
        string? id = null, int? expire = null, TimeProvider? timeProvider = null)
        : base(sessionTable, userMemoryTable, knowledgeTable, id, expire, timeProvider)
    {
        string full;
        try
        {
            full = Path.GetFullPath(string.IsNullOrEmpty(dbPath) ? DefaultDbPath : dbPath);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new ArgumentException($"'{dbPath}' is not a valid directory path.", nameof(dbPath), ex);
        }

        DbPath = full;
        SessionDirectory = Path.Combine(full, SessionTable);
        UserMemoryDirectory = Path.Combine(full, UserMemoryTable);
        KnowledgeDirectory = Path.Combine(full, KnowledgeTable);
        _lock = new JsonFileLock(Path.Combine(full, ".lock"), LockTimeout);
    }

    /// <summary>The storage's directory (absolute).</summary>
    public string DbPath { get; }

    private string SessionDirectory { get; }

    private string UserMemoryDirectory { get; }

    private string KnowledgeDirectory { get; }

    /// <inheritdoc />
    /// <remarks>A table is a subdirectory; a name that is not a valid table name (a path, say) never exists.</remarks>
    protected override Task<bool> TableExistsCoreAsync(string tableName, CancellationToken cancellationToken) =>
        Task.FromResult(StorageNames.IsValid(tableName) && Directory.Exists(Path.Combine(DbPath, tableName)));

    /// <inheritdoc />
    protected override Task CreateSchemaCoreAsync(CancellationToken cancellationToken)
    {
        JsonFiles.CreateDirectory(DbPath);
        JsonFiles.CreateDirectory(SessionDirectory);
        JsonFiles.CreateDirectory(UserMemoryDirectory);
        JsonFiles.CreateDirectory(KnowledgeDirectory);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    protected override Task ClearAllCoreAsync(CancellationToken cancellationToken) =>
        LockedAsync(() =>
        {
            foreach (var directory in new[] { SessionDirectory, UserMemoryDirectory, KnowledgeDirectory })
            {
                foreach (var file in Directory.EnumerateFiles(directory))
                {
                    File.Delete(file);
                }
            }

            return true;
        }, cancellationToken);

    /// <inheritdoc />
    protected override bool IsEngineFailure(Exception exception, CancellationToken cancellationToken) =>
        exception is IOException or UnauthorizedAccessException or JsonException;

    /// <inheritdoc />
    protected override StorageException TranslateFailure(Exception exception, string operation, string? recordId)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var about = recordId is null ? "" : $" for '{recordId}'";
        return new StorageException($"JSON storage operation '{operation}'{about} in '{DbPath}' failed: {exception.Message}", exception, operation, recordId);
    }

    /// <summary>Whether <paramref name="readDeletingExpired"/> found (and deleted) an expired record; a record that cannot be read is
    /// left alone (its expiry cannot be read either), so one damaged file never fails the writes that sweep.</summary>
    private static bool Swept(Func<bool> readDeletingExpired)
    {
        try
        {
            return readDeletingExpired();
        }
        catch (StorageException ex) when (ex.IsCorruptData)
        {
            return false;
        }
    }

    /// <summary>Runs <paramref name="work"/> holding the directory's lock (in this process and across processes).</summary>
    private async Task<T> LockedAsync<T>(Func<T> work, CancellationToken cancellationToken)
    {
        using (await _lock.AcquireAsync(cancellationToken).ConfigureAwait(false))
        {
            return work();
        }
    }

    /// <summary>
    /// The periodic sweep: deletes at most <see cref="ExpirySweep.Limit"/> expired sessions and profiles. Named records need
    /// nothing here: a write loads its session or profile first, which deletes it when it has expired.
    /// </summary>
    protected override Task DeleteExpiredCoreAsync(ExpirySweep sweep, CancellationToken cancellationToken) =>
        sweep.SessionIds is not null && sweep.UserIds is not null
            ? Task.CompletedTask
            : LockedAsync(() =>
            {
                var sessions = 0;
                foreach (var path in JsonFiles.List(SessionDirectory, ".log.jsonl").TakeWhile(_ => sessions < sweep.Limit))
                {
                    if (Swept(() => JsonSession.LoadLog(SessionDirectory, path) is { } session && Unexpired(session) is null))
                    {
                        sessions++;
                    }
                }

                var profiles = 0;
                foreach (var path in JsonFiles.List(UserMemoryDirectory, ".json").TakeWhile(_ => profiles < sweep.Limit))
                {
                    if (File.Exists(path) && Swept(() => ReadUserMemoryFile(path, null) is null))
                    {
                        profiles++;
                    }
                }

                return true;
            }, cancellationToken);
}
