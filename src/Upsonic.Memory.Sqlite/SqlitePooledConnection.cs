using Microsoft.Data.Sqlite;

namespace Upsonic.Storage.Sqlite;

/// <summary>An open connection of a <see cref="SqliteConnectionPool"/> and the commands prepared on it, one per SQL text.</summary>
internal sealed class SqlitePooledConnection : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _prepared = new(StringComparer.Ordinal);
    private readonly SqliteConnectionPool _pool;

    public SqlitePooledConnection(SqliteConnectionPool pool, SqliteConnection connection, int generation, Action<string>? statementObserver)
    {
        _pool = pool;
        Connection = connection;
        Generation = generation;
        if (statementObserver is not null)
        {
            SQLitePCL.raw.sqlite3_trace(connection.Handle, (_, statement) => statementObserver(statement.utf8_to_string()), null);
        }
    }

    public SqliteConnection Connection { get; }

    /// <summary>The pool generation the connection was opened in (a cleared pool closes older ones).</summary>
    public int Generation { get; }

    public bool IsOpen => Connection.State == System.Data.ConnectionState.Open;

    /// <summary>
    /// The command for <paramref name="sql"/> on this connection, without parameters: created on first use, then reused, so
    /// Microsoft.Data.Sqlite keeps its compiled statements. The caller binds, executes and disposes its reader, never the command.
    /// </summary>
    public SqliteCommand Prepared(string sql, SqliteTransaction transaction)
    {
        if (!_prepared.TryGetValue(sql, out var command))
        {
            command = Connection.CreateCommand();
            command.CommandText = sql;
            _prepared[sql] = command;
            _pool.CountPrepared();
        }

        command.Parameters.Clear();
        command.Transaction = transaction;
        return command;
    }

    public void Dispose()
    {
        foreach (var command in _prepared.Values)
        {
            command.Dispose();
        }

        _prepared.Clear();
        Connection.Dispose();
    }
}
