using System.Globalization;
using System.Runtime.InteropServices;
using StackExchange.Redis;

namespace Upsonic.Storage.Redis;

/// <summary>
/// A list of writes to keys of ONE hash slot, applied by <see cref="RedisScripts.Write"/> in one atomic script, optionally only if
/// the version of the first key is still the one read before.
/// </summary>
/// <remarks>
/// Writes of one kind to one key are merged into one command (one HSET of every field, one ZADD of every member) while no other
/// operation on that key comes between them, so a run's append costs one script call per key rather than one per field: inside a
/// script every <c>redis.call</c> has a fixed cost well above that of the command's own work.
/// </remarks>
internal sealed class RedisWriteBatch
{
    /// <summary>The most fields or members one merged command holds (the script unpacks them onto Lua's stack).</summary>
    internal const int MaxItemsPerCommand = 500;

    private readonly List<RedisKey> _keys = [];
    private readonly Dictionary<RedisKey, int> _keyIndex = [];
    private readonly List<Operation> _ops = [];

    /// <summary>The last operation on each key (by index into <see cref="_keys"/>), which the next write to that key may join.</summary>
    private readonly List<Operation?> _lastOnKey = [];

    /// <summary>Creates a batch; the first key is the one whose <c>version</c> field is checked.</summary>
    public RedisWriteBatch(params RedisKey[] keys)
    {
        foreach (var key in keys)
        {
            IndexOf(key);
        }
    }

    public bool IsEmpty => _ops.Count == 0;

    public RedisWriteBatch HashSet(RedisKey key, string field, RedisValue value) => Merged("H", key, field, value);

    /// <summary>Sets the field, or deletes it when <paramref name="value"/> is null (an absent field reads back as null).</summary>
    public RedisWriteBatch HashSetOrDelete(RedisKey key, string field, string? value) =>
        value is null ? HashDelete(key, field) : HashSet(key, field, value);

    /// <summary>Makes the batch write nothing (and report a conflict) when the field exists. Add it before any write.</summary>
    public RedisWriteBatch HashFieldAbsent(RedisKey key, string field) => Single("HN", key, field);

    public RedisWriteBatch HashDelete(RedisKey key, string field) => Merged("HD", key, field);

    public RedisWriteBatch SortedSetAdd(RedisKey key, string member, double score) => Merged("Z", key, Score(score), member);

    public RedisWriteBatch SortedSetRemove(RedisKey key, string member) => Merged("ZR", key, member);

    /// <summary>Removes the member only if its score is still at most <paramref name="maxScore"/> (it was not re-added since it was read).</summary>
    public RedisWriteBatch SortedSetRemoveIfOlder(RedisKey key, string member, double maxScore) => Single("ZO", key, Score(maxScore), member);

    public RedisWriteBatch Delete(RedisKey key) => Single("D", key);

    /// <summary>Runs the batch. <paramref name="expectedVersion"/>: null = no check, 0 = the first key must not exist, else its version.</summary>
    /// <returns>Whether it was written (false only on a version conflict or a present <see cref="HashFieldAbsent"/> field).</returns>
    /// <remarks>A batch of one ZADD, without a version check or a TTL, is sent as that command: nothing to make atomic.</remarks>
    public async Task<bool> ExecuteAsync(IDatabaseAsync database, long? expectedVersion, int? expire)
    {
        if (expectedVersion is null && expire is null && _ops is [{ Code: "Z" } add])
        {
            var entries = new SortedSetEntry[add.Items];
            for (var i = 0; i < entries.Length; i++)
            {
                entries[i] = new SortedSetEntry(add.Args[(2 * i) + 1], (double)add.Args[2 * i]);
            }

            await database.SortedSetAddAsync(_keys[add.Key], entries).ConfigureAwait(false);
            return true;
        }

        var result = await database.ScriptEvaluateAsync(RedisScripts.Write, [.. _keys], Arguments(expectedVersion, expire)).ConfigureAwait(false);
        return (long)result == 1;
    }

    private RedisValue[] Arguments(long? expectedVersion, int? expire)
    {
        var count = 2;
        foreach (var op in _ops)
        {
            count += 2 + (op.IsMerged ? 1 : 0) + op.Args.Count;
        }

        var args = new RedisValue[count];
        args[0] = expectedVersion switch
        {
            null => "*",
            0 => "",
            { } v => v.ToString(CultureInfo.InvariantCulture),
        };
        args[1] = expire ?? 0;
        var at = 2;
        foreach (var op in _ops)
        {
            args[at++] = op.Code;
            args[at++] = op.Key + 1;
            if (op.IsMerged)
            {
                args[at++] = op.Items;
            }

            op.Args.CopyTo(args, at);
            at += op.Args.Count;
        }

        return args;
    }

    /// <summary>Adds one item (a field and value, a score and member, or a field or member) to a command of many items on
    /// <paramref name="key"/>: the last operation on that key when it is the same command and not full, else a new one.</summary>
    private RedisWriteBatch Merged(string code, RedisKey key, params ReadOnlySpan<RedisValue> item)
    {
        var index = IndexOf(key);
        if (_lastOnKey[index] is not { } op || op.Code != code || op.Items == MaxItemsPerCommand)
        {
            op = Add(new Operation(code, index, isMerged: true));
        }
        else if (op.Args.Count >= item.Length && item.SequenceEqual(CollectionsMarshal.AsSpan(op.Args)[^item.Length..]))
        {
            // The same item again (a turn's entry, written once per message of the turn): the command already holds it.
            return this;
        }

        op.Args.AddRange(item);
        op.Items++;
        return this;
    }

    /// <summary>Adds an operation that is never merged (a check, a conditional remove, a key delete).</summary>
    private RedisWriteBatch Single(string code, RedisKey key, params ReadOnlySpan<RedisValue> args)
    {
        Add(new Operation(code, IndexOf(key), isMerged: false)).Args.AddRange(args);
        return this;
    }

    private Operation Add(Operation op)
    {
        _ops.Add(op);
        _lastOnKey[op.Key] = op;
        return op;
    }

    private static string Score(double score) => score.ToString("R", CultureInfo.InvariantCulture);

    private int IndexOf(RedisKey key)
    {
        if (!_keyIndex.TryGetValue(key, out var index))
        {
            index = _keys.Count;
            _keyIndex.Add(key, index);
            _keys.Add(key);
            _lastOnKey.Add(null);
        }

        return index;
    }

    /// <summary>One operation of <see cref="RedisScripts.Write"/>: its code, the 0-based index of its key, and its arguments
    /// (for a merged command, <see cref="Items"/> items of one or two values each).</summary>
    private sealed class Operation(string code, int key, bool isMerged)
    {
        public string Code { get; } = code;

        public int Key { get; } = key;

        public bool IsMerged { get; } = isMerged;

        public List<RedisValue> Args { get; } = [];

        public int Items { get; set; }
    }
}
