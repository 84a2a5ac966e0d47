using Upsonic.Storage;
using Upsonic.Storage.Sqlite;

namespace Upsonic.Memory.AgentFramework.Tests.Backends;

/// <summary>The provider tests on <see cref="SqliteStorage"/>: a database file in a temporary directory, deleted afterwards.</summary>
public sealed class SqliteBackend : StorageBackend
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "upsonic-af-tests", Guid.NewGuid().ToString("N"));
    private readonly List<SqliteStorage> _storages = [];

    /// <inheritdoc />
    public override IStorage Create()
    {
        var storage = new SqliteStorage(dbFile: Path.Combine(_directory, $"db{_storages.Count}.db"));
        _storages.Add(storage);
        return storage;
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        foreach (var storage in _storages)
        {
            await storage.DisposeAsync();
        }

        try
        {
            if (Directory.Exists(_directory))
            {
                Directory.Delete(_directory, recursive: true);
            }
        }
        catch (IOException)
        {
            // A leftover temp file is harmless; the test's result is what matters.
        }

        await base.DisposeAsync();
    }
}
