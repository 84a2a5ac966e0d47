using StackExchange.Redis;
using Upsonic.Benchmarks.Fixtures;

namespace Upsonic.Benchmarks.Baselines;

/// <summary>
/// <see cref="IRawTurns"/> on Redis with StackExchange.Redis, under its own key prefix with a hash tag per session: a head hash,
/// the messages in a sorted set scored by turn (member <c>seq|json</c>), the runs in a hash. The read is HGETALL of the head and
/// ZRANGE BYSCORE of the last 10 turns, pipelined (one round trip); the write is one MULTI/EXEC (one round trip) of ZADD of the 2
/// messages, HSET of the run and HSET of the head.
/// </summary>
public sealed class RawRedisTurns(string configuration, string prefix) : IRawTurns
{
    private readonly ConnectionMultiplexer _redis = ConnectionMultiplexer.Connect(configuration);

    private IDatabase Db => _redis.GetDatabase();

    /// <inheritdoc />
    public Task CreateAsync() => Task.CompletedTask;

    /// <inheritdoc />
    public async Task<RawSession> SeedAsync(string sessionId, int turns)
    {
        var (head, messages, runs) = Keys(sessionId);
        foreach (var chunk in Enumerable.Range(1, turns).Chunk(500))
        {
            var entries = chunk.SelectMany(turn => Conversation.Messages(turn).Select((m, i) =>
                new SortedSetEntry(Member((2L * turn) - 1 + i, RawRecords.Message(m)), turn))).ToArray();
            await Db.SortedSetAddAsync(messages, entries);
            await Db.HashSetAsync(runs, chunk.Select(turn => new HashEntry(RawRecords.RunId(sessionId, turn), RawRecords.Run(sessionId, turn))).ToArray());
        }

        await Db.HashSetAsync(head, [new("run_count", turns), new("message_count", 2L * turns), new("updated_at", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())]);
        return new RawSession(sessionId, turns, 2L * turns);
    }

    /// <inheritdoc />
    public async Task<int> TurnAsync(RawSession session, long turn)
    {
        var (head, messages, runs) = Keys(session.SessionId);
        var db = Db;
        var headRead = db.HashGetAllAsync(head);
        var windowRead = db.SortedSetRangeByScoreAsync(messages, session.LastTurn - RawSession.HistoryTurns + 1, double.PositiveInfinity);
        _ = await headRead;
        var window = await windowRead;
        foreach (var member in window)
        {
            var text = (string)member!;
            _ = RawRecords.Read(text[(text.IndexOf('|', StringComparison.Ordinal) + 1)..]);
        }

        var pair = Conversation.Messages(turn);
        var transaction = db.CreateTransaction();
        _ = transaction.SortedSetAddAsync(messages,
            [new SortedSetEntry(Member(session.LastSequence + 1, RawRecords.Message(pair[0])), turn), new SortedSetEntry(Member(session.LastSequence + 2, RawRecords.Message(pair[1])), turn)]);
        _ = transaction.HashSetAsync(runs, RawRecords.RunId(session.SessionId, turn), RawRecords.Run(session.SessionId, turn));
        _ = transaction.HashSetAsync(head, [new("run_count", turn), new("message_count", session.LastSequence + 2), new("updated_at", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())]);
        await transaction.ExecuteAsync();
        session.LastTurn = turn;
        session.LastSequence += 2;
        return window.Length;
    }

    /// <inheritdoc />
    public async Task DeleteAsync(IReadOnlyCollection<string> sessionIds)
    {
        foreach (var id in sessionIds)
        {
            var (head, messages, runs) = Keys(id);
            await Db.KeyDeleteAsync([head, messages, runs]);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await _redis.DisposeAsync();

    private static string Member(long seq, string json) => seq.ToString(System.Globalization.CultureInfo.InvariantCulture) + "|" + json;

    private (RedisKey Head, RedisKey Messages, RedisKey Runs) Keys(string sessionId) =>
        ($"{{{prefix}_raw:{sessionId}}}:head", $"{{{prefix}_raw:{sessionId}}}:messages", $"{{{prefix}_raw:{sessionId}}}:runs");
}
