using System.Data.Common;

namespace Upsonic.Storage.Postgres;

/// <summary>The kit's row reader with PostgreSQL's text decoding: text and jsonb values pass through <see cref="PostgresText"/>.</summary>
internal sealed class PostgresRowReader : RecordRowReader
{
    public static PostgresRowReader Instance { get; } = new();

    public override string? Text(DbDataReader row, int ordinal) => row.IsDBNull(ordinal) ? null : PostgresText.Decode(row.GetString(ordinal));

    public override string? Json(DbDataReader row, int ordinal) => row.IsDBNull(ordinal) ? null : PostgresText.DecodeJson(row.GetString(ordinal));
}
