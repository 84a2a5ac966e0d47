namespace Upsonic.Storage.Redis;

/// <summary>
/// The Lua scripts of <see cref="RedisStorage"/>. StackExchange.Redis sends each one with EVALSHA once the server knows it. Every
/// script touches only the keys it is given, all in one hash slot, so it runs unchanged on Redis Cluster.
/// </summary>
internal static class RedisScripts
{
    /// <summary>
    /// The one write script: a compare-and-set on the <c>version</c> field of KEYS[1], then a list of writes, then EXPIRE on every key.
    /// ARGV[1]: '*' = no check, '' = KEYS[1] must not exist, otherwise its version must equal it. ARGV[2]: TTL seconds (0 = none).
    /// Then operations, each a code, a 1-based key index and its arguments. H (HSET), Z (ZADD), HD (HDEL) and ZR (ZREM) are one
    /// command of many items: a count, then that many field-value pairs, score-member pairs, fields or members. ZO removes a
    /// sorted-set member only while its score is still at most the given one, so a reader's cleanup never removes an entry a writer
    /// has just refreshed; HN, placed before any write, requires a hash field to be absent; D deletes the key. Returns 1 when
    /// written, 0 on a version conflict or a present HN field.
    /// </summary>
    /// <remarks>The version check and the writes run as one script, so a conflicting writer either sees the whole change or none of it.
    /// A count is at most <see cref="RedisWriteBatch.MaxItemsPerCommand"/>, so an operation's items fit Lua's stack.</remarks>
    public const string Write = """
        local expected = ARGV[1]
        if expected ~= '*' then
          local v = redis.call('HGET', KEYS[1], 'version')
          if expected == '' then
            if v then return 0 end
          elseif v ~= expected then
            return 0
          end
        end
        local i, n = 3, #ARGV
        while i <= n do
          local op, key = ARGV[i], KEYS[tonumber(ARGV[i + 1])]
          if op == 'H' or op == 'Z' then
            local last = i + 2 + 2 * tonumber(ARGV[i + 2])
            redis.call(op == 'H' and 'HSET' or 'ZADD', key, unpack(ARGV, i + 3, last)); i = last + 1
          elseif op == 'HD' or op == 'ZR' then
            local last = i + 2 + tonumber(ARGV[i + 2])
            redis.call(op == 'HD' and 'HDEL' or 'ZREM', key, unpack(ARGV, i + 3, last)); i = last + 1
          elseif op == 'HN' then
            if redis.call('HEXISTS', key, ARGV[i + 2]) == 1 then return 0 end
            i = i + 3
          elseif op == 'ZO' then
            local s = redis.call('ZSCORE', key, ARGV[i + 3])
            if s and tonumber(s) <= tonumber(ARGV[i + 2]) then redis.call('ZREM', key, ARGV[i + 3]) end
            i = i + 4
          elseif op == 'D' then redis.call('DEL', key); i = i + 2
          else return redis.error_reply('unknown write op ' .. tostring(op)) end
        end
        local ttl = tonumber(ARGV[2])
        if ttl > 0 then
          for k = 1, #KEYS do redis.call('EXPIRE', KEYS[k], ttl) end
        end
        return 1
        """;

    // HMGET in slices, because Lua's unpack has a stack limit of a few thousand values; up to one slice, the reply as it comes
    // (no copy: this runs on every window read).
    private const string HashGetMany = """
        local function hmget(key, fields)
          if #fields == 0 then return {} end
          if #fields <= 1000 then return redis.call('HMGET', key, unpack(fields)) end
          local out = {}
          for s = 1, #fields, 1000 do
            local part = redis.call('HMGET', key, unpack(fields, s, math.min(s + 999, #fields)))
            for j = 1, #part do out[#out + 1] = part[j] end
          end
          return out
        end
        """;

    /// <summary>
    /// The session head plus its last N history turns, or only the history messages after a mark. KEYS: head, msg, hist, turns,
    /// turnrun. ARGV[1]: N, or -1 for every turn; ARGV[2]: the mark's history epoch ('' = no mark); ARGV[3]: the mark's message
    /// sequence; ARGV[4]: the most messages an incremental answer may hold (<see cref="IncrementalLimit"/>). Returns nil when the
    /// session does not exist, else {head, {seq, turn, ...}, messages, turns, run ids of those turns, 1 when incremental else 0}.
    /// </summary>
    /// <remarks>
    /// Bounded either way. With a mark that the head still matches (same history epoch, message count at or past the mark, at most
    /// <see cref="IncrementalLimit"/> messages newer), the messages after it are the sequences mark+1 ... message count (sequences
    /// are dense), each looked up in the history index (one ZSCORE: a message outside the history has none). Otherwise the N-th
    /// most recent turn is one ZREVRANGE on the turn set, then one range read of the history index.
    /// </remarks>
    public const string Window = HashGetMany + """

        local head = redis.call('HGETALL', KEYS[1])
        if #head == 0 then return false end
        local n = tonumber(ARGV[1])
        local rows = {}
        local incremental = 0
        if ARGV[2] ~= '' and n ~= 0 then
          local epoch, count = '0', 0
          for i = 1, #head, 2 do
            if head[i] == 'history_epoch' then epoch = head[i + 1]
            elseif head[i] == 'message_count' then count = tonumber(head[i + 1]) or -1 end
          end
          local since = tonumber(ARGV[3])
          if epoch == ARGV[2] and since <= count and count - since <= tonumber(ARGV[4]) then
            incremental = 1
            for s = since + 1, count do
              local member = string.format('%d', s)
              local turn = redis.call('ZSCORE', KEYS[3], member)
              if turn then rows[#rows + 1] = member; rows[#rows + 1] = turn end
            end
          end
        end
        if incremental == 0 and n ~= 0 then
          local min = '-inf'
          if n > 0 then
            local t = redis.call('ZREVRANGE', KEYS[4], n - 1, n - 1)
            if #t > 0 then min = t[1] end
          end
          rows = redis.call('ZRANGEBYSCORE', KEYS[3], min, '+inf', 'WITHSCORES')
        end
        local seqs, turns, seen = {}, {}, {}
        for i = 1, #rows, 2 do
          seqs[#seqs + 1] = rows[i]
          if not seen[rows[i + 1]] then seen[rows[i + 1]] = true; turns[#turns + 1] = rows[i + 1] end
        end
        return {head, rows, hmget(KEYS[2], seqs), turns, hmget(KEYS[5], turns), incremental}
        """;

    /// <summary>The most messages an incremental window read returns; a caller further behind gets the full window.</summary>
    public const int IncrementalLimit = 1000;

    /// <summary>
    /// A whole session. KEYS: head, msg, hist, turnrun, runs, runmsg. Returns nil when it does not exist, else
    /// {head, msg hash, {seq, turn, ...} of history, turnrun hash, runs hash, {seq, run sequence, ...} of run messages}.
    /// </summary>
    public const string Whole = """
        local head = redis.call('HGETALL', KEYS[1])
        if #head == 0 then return false end
        return {head, redis.call('HGETALL', KEYS[2]), redis.call('ZRANGE', KEYS[3], 0, -1, 'WITHSCORES'),
          redis.call('HGETALL', KEYS[4]), redis.call('HGETALL', KEYS[5]), redis.call('ZRANGE', KEYS[6], 0, -1, 'WITHSCORES')}
        """;

    /// <summary>
    /// Run records with their messages. KEYS: runs, runseq, runmsg, msg. ARGV: 'id', run id | 'after', sequence, max runs.
    /// Returns a list of {run JSON, message sequences, message JSON}; 'after' lists the most recent first.
    /// </summary>
    public const string Runs = HashGetMany + """

        local ids
        if ARGV[1] == 'id' then ids = {ARGV[2]}
        else ids = redis.call('ZREVRANGEBYSCORE', KEYS[2], '+inf', '(' .. ARGV[2], 'LIMIT', 0, tonumber(ARGV[3])) end
        local out = {}
        for _, id in ipairs(ids) do
          local json = redis.call('HGET', KEYS[1], id)
          local seq = redis.call('ZSCORE', KEYS[2], id)
          if json and seq then
            local seqs = redis.call('ZRANGEBYSCORE', KEYS[3], seq, seq)
            out[#out + 1] = {json, seqs, hmget(KEYS[4], seqs)}
          end
        end
        return out
        """;

    /// <summary>What a session write needs to know first. KEYS: head, runs. ARGV[1]: a run id or ''. Returns {head, that run's JSON or nil, run ids}.</summary>
    /// <remarks>The run ids are listed only for whole-session writes and deletes (ARGV[2] = '1'), never on the per-turn path.</remarks>
    public const string Before = """
        local run = false
        if ARGV[1] ~= '' then run = redis.call('HGET', KEYS[2], ARGV[1]) end
        local ids = {}
        if ARGV[2] == '1' then ids = redis.call('HKEYS', KEYS[2]) end
        return {redis.call('HGETALL', KEYS[1]), run, ids}
        """;
}
