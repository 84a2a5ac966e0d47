// Postgres: the quick start's agent memory in PostgreSQL (JSONB tables, pooled connections), shared by every process that uses the database.
// Configure with UPSONIC_POSTGRES_URL (a postgresql:// URL or an Npgsql connection string; default Host=localhost;Username=postgres;Database=upsonic).
using Upsonic.Samples;
using Upsonic.Storage.Postgres;

var url = Environment.GetEnvironmentVariable("UPSONIC_POSTGRES_URL") is { Length: > 0 } configured
    ? configured
    : "Host=localhost;Username=postgres;Database=upsonic";
await using var storage = new PostgresStorage(dbUrl: url, dbSchema: "upsonic_sample");
await RememberingConversation.RunAsync(storage, args);
