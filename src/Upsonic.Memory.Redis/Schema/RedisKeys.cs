using System.Buffers.Text;
using System.Text;
using StackExchange.Redis;

namespace Upsonic.Storage.Redis;

/// <summary>
/// The key layout of <see cref="RedisStorage"/>. Every key of one session shares the hash tag <c>{prefix:session_table:id}</c>, so a
/// run's writes are one Lua script that Redis Cluster accepts; every index key shares the hash tag <c>{prefix:idx}</c>.
/// </summary>
/// <remarks>
/// Ids are written literally when they consist of 1 to 200 letters, digits and <c>_ - . @ :</c>; any other id (braces, spaces,
/// unicode, very long text) is written as <c>=</c> followed by the base64url form of its UTF-8 bytes. '=' never occurs in a literal
/// id, so the mapping is one-to-one, and no encoded id contains '}', so an id can never end a hash tag early.
/// </remarks>
internal sealed class RedisKeys
{
    private const int MaxLiteralLength = 200;

    public RedisKeys(string prefix, string sessionTable, string userMemoryTable, string knowledgeTable)
    {
        Prefix = prefix;
        SessionTable = sessionTable;
        UserMemoryTable = userMemoryTable;
        KnowledgeTable = knowledgeTable;
        IndexTag = "{" + prefix + ":idx}";
    }

    public string Prefix { get; }

    public string SessionTable { get; }

    public string UserMemoryTable { get; }

    public string KnowledgeTable { get; }

    /// <summary>The hash tag every index key starts with (one slot, so index changes are one atomic script).</summary>
    public string IndexTag { get; }

    /// <summary>
    /// The globs that match every key of this storage's tables, records and indexes, and nothing of another storage that shares
    /// the prefix with other table names (used only by <c>ClearAllAsync</c>). The prefix's schema-version key is shared and kept.
    /// </summary>
    public IReadOnlyList<string> TablePatterns =>
        [.. new[] { SessionTable, UserMemoryTable, KnowledgeTable }.Distinct(StringComparer.Ordinal)
            .SelectMany(table => new[] { "{" + Prefix + ":" + table + ":*", IndexTag + ":" + table + ":*" })];

    public RedisKey Schema => IndexTag + ":schema_version";

    // ----- one session -----

    public SessionKeys Session(string sessionId) => new("{" + Prefix + ":" + SessionTable + ":" + Encode(sessionId) + "}");

    // ----- one profile, one knowledge row -----

    public RedisKey UserMemory(string userId) => "{" + Prefix + ":" + UserMemoryTable + ":" + Encode(userId) + "}";

    public RedisKey Knowledge(string id) => "{" + Prefix + ":" + KnowledgeTable + ":" + Encode(id) + "}";

    // ----- indexes (sorted sets; members are the record ids, scored by when the entry was last written: see RedisStorage.IndexGrace) -----

    /// <summary>Every session.</summary>
    public RedisKey SessionsAll => IndexTag + ":" + SessionTable + ":all";

    public RedisKey SessionsByUser(string userId) => IndexTag + ":" + SessionTable + ":user:" + Encode(userId);

    public RedisKey SessionsByAgent(string agentId) => IndexTag + ":" + SessionTable + ":agent:" + Encode(agentId);

    public RedisKey SessionsByType(SessionType type) => IndexTag + ":" + SessionTable + ":type:" + StoredNames.Of(type);

    /// <summary>The sessions that hold a run with this id.</summary>
    public RedisKey SessionsByRun(string runId) => IndexTag + ":" + SessionTable + ":run:" + Encode(runId);

    /// <summary>Every profile.</summary>
    public RedisKey UserMemoriesAll => IndexTag + ":" + UserMemoryTable + ":all";

    public RedisKey UserMemoriesByAgent(string agentId) => IndexTag + ":" + UserMemoryTable + ":agent:" + Encode(agentId);

    public RedisKey UserMemoriesByTeam(string teamId) => IndexTag + ":" + UserMemoryTable + ":team:" + Encode(teamId);

    /// <summary>Every knowledge row.</summary>
    public RedisKey KnowledgeAll => IndexTag + ":" + KnowledgeTable + ":all";

    public RedisKey KnowledgeByBase(string knowledgeBaseId) => IndexTag + ":" + KnowledgeTable + ":kb:" + Encode(knowledgeBaseId);

    /// <summary>The form of an id inside a key (see the class remarks).</summary>
    public static string Encode(string id)
    {
        if (id.Length is > 0 and <= MaxLiteralLength && id.All(IsLiteral))
        {
            return id;
        }

        return "=" + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(id));
    }

    private static bool IsLiteral(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or '@' or ':';

    /// <summary>The keys of one session, all inside its hash tag.</summary>
    internal sealed class SessionKeys(string tag)
    {
        /// <summary>Hash: the session head fields and its version.</summary>
        public RedisKey Head { get; } = tag + ":head";

        /// <summary>Hash: message sequence -> message JSON.</summary>
        public RedisKey Messages { get; } = tag + ":msg";

        /// <summary>Sorted set: sequences of history messages, scored by turn.</summary>
        public RedisKey History { get; } = tag + ":hist";

        /// <summary>Sorted set: the distinct turns that hold history messages (member and score = turn).</summary>
        public RedisKey Turns { get; } = tag + ":turns";

        /// <summary>Hash: turn -> id of the run whose history messages form that turn.</summary>
        public RedisKey TurnRuns { get; } = tag + ":turnrun";

        /// <summary>Hash: run id -> run record JSON (without messages).</summary>
        public RedisKey Runs { get; } = tag + ":runs";

        /// <summary>Sorted set: run ids scored by run sequence.</summary>
        public RedisKey RunOrder { get; } = tag + ":runseq";

        /// <summary>Sorted set: sequences of messages stored by runs, scored by run sequence.</summary>
        public RedisKey RunMessages { get; } = tag + ":runmsg";

        /// <summary>Every key in script order (the head first: the write script checks its version).</summary>
        public RedisKey[] All => [Head, Messages, History, Turns, TurnRuns, Runs, RunOrder, RunMessages];
    }
}
