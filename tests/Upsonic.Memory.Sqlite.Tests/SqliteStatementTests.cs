using System.Collections.Concurrent;
using Upsonic.Storage;
using Upsonic.Storage.Sqlite;
using static Upsonic.Storage.Testing.TestData;

namespace Upsonic.Memory.Sqlite.Tests;

/// <summary>
/// The per-turn cost on SQLite in statements, as SQLite itself reports them (its trace hook on the storage's connections), and
/// the reuse of compiled statements across turns.
/// </summary>
public sealed class SqliteStatementTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("upsonic-sqlite-statements-").FullName;
    private readonly ConcurrentQueue<string> _statements = new();
    private SqliteStorage _storage = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _storage = new SqliteStorage(dbFile: Path.Combine(_directory, "memory.db"));
        _storage.Pool.StatementObserver = _statements.Enqueue;
        await _storage.EnsureCreatedAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _storage.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Loading_a_window_runs_its_two_selects_in_one_read_transaction()
    {
        await AppendTurnsAsync(_storage, "s1", 12, ct: Ct);

        var statements = await StatementsAsync(() => _storage.LoadSessionWindowAsync("s1", 10, Ct));

        Assert.Equal(4, statements.Count);
        Assert.StartsWith("BEGIN", statements[0], StringComparison.OrdinalIgnoreCase);
        Assert.All(statements[1..3], s => Assert.Contains("SELECT", s, StringComparison.OrdinalIgnoreCase));
        Assert.StartsWith("COMMIT", statements[3], StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Saving_a_turn_of_an_existing_session_is_one_read_and_one_write_per_row_in_one_transaction()
    {
        await AppendTurnsAsync(_storage, "s1", 12, ct: Ct);

        var statements = await StatementsAsync(() => _storage.AppendRunAsync(Append("s1", Turn("r13", "q13")), Ct));

        // BEGIN IMMEDIATE, head + run read, two messages, the run, the head, COMMIT.
        Assert.Equal(7, statements.Count);
        Assert.StartsWith("BEGIN IMMEDIATE", statements[0], StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("COMMIT", statements[^1], StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Turn_after_turn_reuses_the_statements_compiled_on_the_connection()
    {
        await AppendTurnsAsync(_storage, "s1", 2, ct: Ct);
        await _storage.LoadSessionWindowAsync("s1", 10, Ct);
        var prepared = _storage.Pool.CommandsPrepared;

        for (var i = 3; i <= 20; i++)
        {
            await _storage.LoadSessionWindowAsync("s1", 10, Ct);
            await _storage.AppendRunAsync(Append("s1", Turn($"r{i}", $"q{i}")), Ct);
        }

        Assert.Equal(prepared, _storage.Pool.CommandsPrepared);
        Assert.Equal(10, (await _storage.LoadSessionWindowAsync("s1", 10, Ct))!.Turns.Count);
    }

    [Fact]
    public async Task Concurrent_writers_of_one_file_in_one_process_all_save_every_turn()
    {
        await using var second = new SqliteStorage(dbFile: _storage.DbFile);
        var writers = Enumerable.Range(0, 16).Select(w => Task.Run(async () =>
        {
            var storage = w % 2 == 0 ? _storage : second;
            for (var i = 1; i <= 10; i++)
            {
                await storage.LoadSessionWindowAsync($"s{w}", 10, Ct);
                await storage.AppendRunAsync(Append($"s{w}", Turn($"r{i}", $"q{i}")), Ct);
            }
        }, Ct));

        await Task.WhenAll(writers);

        for (var w = 0; w < 16; w++)
        {
            Assert.Equal(10, (await _storage.LoadSessionWindowAsync($"s{w}", null, Ct))!.Turns.Count);
        }
    }

    private async Task<List<string>> StatementsAsync(Func<Task> call)
    {
        _statements.Clear();
        await call();
        return [.. _statements];
    }
}
