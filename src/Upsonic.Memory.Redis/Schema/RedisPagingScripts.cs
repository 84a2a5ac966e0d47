namespace Upsonic.Storage.Redis;

/// <summary>
/// The Lua scripts that read one session's rows in pages (export, migrate), each over keys of the session's one hash slot, so a
/// page is read in one consistent step and runs unchanged on Redis Cluster.
/// </summary>
internal static class RedisPagingScripts
{
    /// <summary>
    /// Message rows by sequence. KEYS: head, msg, hist, runmsg, runseq. ARGV: the sequence after which to read, the page size.
    /// Reads the sequences after ARGV[1] up to the head's message_count, at most ARGV[2] of them (a sequence with no stored message
    /// is skipped). Returns the last sequence covered and the message counter, then per stored message: sequence, JSON, history turn (nil when not in
    /// history), run sequence (nil for history written without a run), run id.
    /// </summary>
    public const string Messages = """
        local last = tonumber(redis.call('HGET', KEYS[1], 'message_count') or '0')
        local after = tonumber(ARGV[1])
        local upto = math.min(after + tonumber(ARGV[2]), last)
        local out = { upto, last }
        for seq = after + 1, upto do
          local m = string.format('%d', seq)
          local json = redis.call('HGET', KEYS[2], m)
          if json then
            local turn = redis.call('ZSCORE', KEYS[3], m)
            local runseq = redis.call('ZSCORE', KEYS[4], m)
            local runid = false
            if runseq then
              runid = redis.call('ZRANGEBYSCORE', KEYS[5], runseq, runseq, 'LIMIT', 0, 1)[1] or false
            end
            out[#out + 1] = m
            out[#out + 1] = json
            out[#out + 1] = turn or false
            out[#out + 1] = runseq or false
            out[#out + 1] = runid
          end
        end
        return out
        """;

    /// <summary>Run records by sequence. KEYS: runseq, runs. ARGV: the sequence after which to read, the page size. Returns per
    /// run: run id, sequence, record JSON (nil when the record is missing).</summary>
    public const string Runs = """
        local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. ARGV[1], '+inf', 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[2]))
        local out = {}
        for i = 1, #ids, 2 do
          out[#out + 1] = ids[i]
          out[#out + 1] = ids[i + 1]
          out[#out + 1] = redis.call('HGET', KEYS[2], ids[i]) or false
        end
        return out
        """;

    /// <summary>Row counts. KEYS: head, msg, hist, runs. Returns nil when the head does not exist, else message rows, history rows, runs.</summary>
    public const string Counts = """
        if redis.call('EXISTS', KEYS[1]) == 0 then return false end
        return { redis.call('HLEN', KEYS[2]), redis.call('ZCARD', KEYS[3]), redis.call('HLEN', KEYS[4]) }
        """;
}
