using System.Globalization;
using StackExchange.Redis;

namespace Upsonic.Storage.Redis;

/// <summary>
/// A list of writes to keys of ONE hash slot, applied by <see cref="RedisScripts.Write"/> in one atomic script, optionally only if
/// the version of the first key is still the one read before.
/// </summary>
internal sealed class RedisWriteBatch
{
    private readonly List<RedisKey> _keys = [];
    private readonly List<RedisValue> _ops = [];

    /// <summary>Creates a batch; the first key is the one whose <c>version</c> field is checked.</summary>
    public RedisWriteBatch(params RedisKey[] keys) => _keys.AddRange(keys);

    public bool IsEmpty => _ops.Count == 0;

    public RedisWriteBatch HashSet(RedisKey key, string field, RedisValue value) => Op("H", key, field, value);

    /// <summary>Sets the field, or deletes it when <paramref name="value"/> is null (an absent field reads back as null).</summary>
    public RedisWriteBatch HashSetOrDelete(RedisKey key, string field, string? value) =>
        value is null ? HashDelete(key, field) : HashSet(key, field, value);

    /// <summary>Makes the batch write nothing (and report a conflict) when the field exists. Add it before any write.</summary>
    public RedisWriteBatch HashFieldAbsent(RedisKey key, string field) => Op("HN", key, field);

    public RedisWriteBatch HashDelete(RedisKey key, string field) => Op("HD", key, field);

    public RedisWriteBatch SortedSetAdd(RedisKey key, string member, double score) => Op("Z", key, Score(score), member);

    public RedisWriteBatch SortedSetRemove(RedisKey key, string member) => Op("ZR", key, member);

    /// <summary>Removes the member only if its score is still at most <paramref name="maxScore"/> (it was not re-added since it was read).</summary>
    public RedisWriteBatch SortedSetRemoveIfOlder(RedisKey key, string member, double maxScore) => Op("ZO", key, Score(maxScore), member);

    public RedisWriteBatch Delete(RedisKey key) => Op("D", key);

    /// <summary>Runs the batch. <paramref name="expectedVersion"/>: null = no check, 0 = the first key must not exist, else its version.</summary>
    /// <returns>Whether it was written (false only on a version conflict or a present <see cref="HashFieldAbsent"/> field).</returns>
    public async Task<bool> ExecuteAsync(IDatabase database, long? expectedVersion, int? expire)
    {
        var result = await database.ScriptEvaluateAsync(RedisScripts.Write, [.. _keys], Arguments(expectedVersion, expire)).ConfigureAwait(false);
        return (long)result == 1;
    }

    private RedisValue[] Arguments(long? expectedVersion, int? expire)
    {
        var args = new RedisValue[_ops.Count + 2];
        args[0] = expectedVersion switch
        {
            null => "*",
            0 => "",
            { } v => v.ToString(CultureInfo.InvariantCulture),
        };
        args[1] = expire ?? 0;
        _ops.CopyTo(args, 2);
        return args;
    }

    /// <summary>Appends one operation of <see cref="RedisScripts.Write"/>: its code, the 1-based index of its key, then its arguments.</summary>
    private RedisWriteBatch Op(string code, RedisKey key, params ReadOnlySpan<RedisValue> args)
    {
        _ops.Add(code);
        _ops.Add(IndexOf(key));
        foreach (var arg in args)
        {
            _ops.Add(arg);
        }

        return this;
    }

    private static string Score(double score) => score.ToString("R", CultureInfo.InvariantCulture);

    private int IndexOf(RedisKey key)
    {
        var index = _keys.IndexOf(key);
        if (index < 0)
        {
            _keys.Add(key);
            index = _keys.Count - 1;
        }

        return index + 1;
    }
}
