using Npgsql;
using NpgsqlTypes;

namespace Upsonic.Storage.Postgres;

/// <summary>Typed positional parameters. Every text value passes through <see cref="PostgresText.Encode"/> so NUL characters never reach PostgreSQL.</summary>
internal static class PostgresParameters
{
    public static NpgsqlParameter Text(string? value) => Of(PostgresText.Encode(value), NpgsqlDbType.Text);

    /// <summary>Text stored verbatim (message JSON, which never holds a raw NUL).</summary>
    public static NpgsqlParameter RawText(string value) => Of(value, NpgsqlDbType.Text);

    /// <summary>A jsonb value from JSON text that is already NUL-encoded (<see cref="PostgresText.EncodeJson"/>).</summary>
    public static NpgsqlParameter Jsonb(string? encodedJson) => Of(encodedJson, NpgsqlDbType.Jsonb);

    public static NpgsqlParameter Long(long? value) => Of(value, NpgsqlDbType.Bigint);

    public static NpgsqlParameter Int(int? value) => Of(value, NpgsqlDbType.Integer);

    public static NpgsqlParameter Bool(bool value) => Of(value, NpgsqlDbType.Boolean);

    /// <summary>A text[] of ids, or SQL NULL (meaning "no filter") when <paramref name="values"/> is null.</summary>
    public static NpgsqlParameter TextArray(IEnumerable<string?>? values) =>
        Of(values?.Select(PostgresText.Encode).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text);

    public static NpgsqlParameter RawTextArray(string[] values) => Of(values, NpgsqlDbType.Array | NpgsqlDbType.Text);

    public static NpgsqlParameter LongArray(long[] values) => Of(values, NpgsqlDbType.Array | NpgsqlDbType.Bigint);

    public static NpgsqlParameter IntArray(int[] values) => Of(values, NpgsqlDbType.Array | NpgsqlDbType.Integer);

    public static NpgsqlParameter BoolArray(bool[] values) => Of(values, NpgsqlDbType.Array | NpgsqlDbType.Boolean);

    private static NpgsqlParameter Of(object? value, NpgsqlDbType type) => new() { Value = value ?? DBNull.Value, NpgsqlDbType = type };
}
