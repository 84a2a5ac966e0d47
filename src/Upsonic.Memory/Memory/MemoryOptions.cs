namespace Upsonic.Storage;

/// <summary>The settings of a <see cref="Memory"/>, as an options object that binds from <c>IConfiguration</c>.</summary>
/// <remarks>Names and defaults match the <see cref="Memory"/> constructor parameters.</remarks>
public sealed class MemoryOptions
{
    /// <summary>The default <see cref="BackgroundConcurrency"/>: enough to keep up with many users, few enough not to flood the model.</summary>
    public const int DefaultBackgroundConcurrency = 4;

    /// <summary>The session key; null or empty gives a new GUID string.</summary>
    public string? SessionId { get; set; }

    /// <summary>The user key; null or empty gives a new GUID string.</summary>
    public string? UserId { get; set; }

    /// <summary>Save flag: store each completed run's messages as conversation history.</summary>
    public bool FullSessionMemory { get; set; }

    /// <summary>Save flag: keep a running summary of the session, written by <see cref="Memory.Model"/>.</summary>
    public bool SummaryMemory { get; set; }

    /// <summary>Save flag: extract a user profile with <see cref="Memory.Model"/> after each completed run.</summary>
    public bool UserAnalysisMemory { get; set; }

    /// <summary>Load flag for history; null copies <see cref="FullSessionMemory"/>.</summary>
    public bool? LoadFullSessionMemory { get; set; }

    /// <summary>Load flag for the summary; null copies <see cref="SummaryMemory"/>.</summary>
    public bool? LoadSummaryMemory { get; set; }

    /// <summary>Load flag for the profile; null copies <see cref="UserAnalysisMemory"/>.</summary>
    public bool? LoadUserAnalysisMemory { get; set; }

    /// <summary>The profile schema type (default <see cref="UserTraits"/>). Ignored when <see cref="DynamicUserProfile"/> is set.</summary>
    /// <remarks>A type cannot come from configuration (nothing read from outside decides which type is used): set it in code.</remarks>
    public Type? UserProfileSchema { get; set; }

    /// <summary>Let the model propose the profile fields (two model calls per analysis).</summary>
    public bool DynamicUserProfile { get; set; }

    /// <summary>How many of the most recent turns (runs) of history to load; null, 0 or negative loads all.</summary>
    public int? NumLastMessages { get; set; }

    /// <summary>
    /// The most tokens of history to load: the most recent whole turns whose token counts, stored with each message when it was
    /// written, add up to at most this many; null (the default) for no token limit. Applies together with
    /// <see cref="NumLastMessages"/> (both limits hold). When set, it must be greater than 0.
    /// </summary>
    /// <remarks>The counts are an estimate of four characters per token (see docs/memory.md): leave a margin under the model's
    /// context limit. The storage selects the turns, so loading costs the same however long the session is.</remarks>
    public int? HistoryTokenBudget { get; set; }

    /// <summary>Log at Debug level (raising verbosity) instead of Information/Warning only.</summary>
    public bool Debug { get; set; }

    /// <summary>1 to 3; levels above 1 add detailed logs of what memory prepared. Checked only when <see cref="Debug"/> is on; without it any value is ignored (treated as 1), as upstream.</summary>
    public int DebugLevel { get; set; } = 1;

    /// <summary>Keep tool calls and tool results in loaded history.</summary>
    public bool FeedToolCallResults { get; set; }

    /// <summary>How new traits combine with the stored profile.</summary>
    public UserMemoryMode UserMemoryMode { get; set; } = UserMemoryMode.Update;

    /// <summary>Run summary and profile work after the run returns (in order per session, coalescing runs) instead of before.</summary>
    public bool BackgroundProcessing { get; set; }

    /// <summary>How many sessions' background summary and profile batches run at once. Default <see cref="DefaultBackgroundConcurrency"/> (4).</summary>
    /// <remarks>It bounds the model calls that background work makes in parallel: a <see cref="MemoryFactory"/> shares one worker
    /// among all its sessions, so this is the most sessions whose work runs at the same time (each session's batches still run one
    /// after the other, in order). A memory built with a constructor serves one session, so it never runs more than one batch.
    /// Only used with <see cref="BackgroundProcessing"/> on; must be greater than 0.</remarks>
    public int BackgroundConcurrency { get; set; } = DefaultBackgroundConcurrency;

    /// <summary>
    /// Summary cadence: a summary pass runs once this many completed turns wait to be summarized. Default 1: every turn, as upstream.
    /// </summary>
    /// <remarks>
    /// Larger values cut model calls per turn (K turns per call); the waiting turns are summarized together, none left out. A pass
    /// also runs earlier when <see cref="SummaryTokenThreshold"/> is reached, when <see cref="SummaryMaxRuns"/> turns wait, or when
    /// the waiting turns fill <see cref="SummaryMaxTurnCharacters"/> (a backlog larger than one pass is sent in several calls, oldest
    /// first), and at once when a run that was stored before (for example paused) completes. The loaded summary lags by up to K - 1 turns.
    /// </remarks>
    public int SummaryEveryTurns { get; set; } = 1;

    /// <summary>
    /// Summary cadence: also run a summary pass as soon as the waiting turns reach about this many tokens, estimated as the
    /// characters of the conversation text the pass would send divided by 4. Null (the default): no token trigger.
    /// </summary>
    public int? SummaryTokenThreshold { get; set; }

    /// <summary>The most runs one summary pass reads (the most recent ones not yet summarized). Default 20.</summary>
    public int SummaryMaxRuns { get; set; } = 20;

    /// <summary>The most characters of the previous summary sent to the model. Default 4,000.</summary>
    public int SummaryMaxCharacters { get; set; } = 4_000;

    /// <summary>The most characters of one message sent to the summarizer. Default 1,000.</summary>
    public int SummaryMaxMessageCharacters { get; set; } = 1_000;

    /// <summary>The most characters of new conversation one summary pass sends (older runs are dropped first). Default 8,000.</summary>
    public int SummaryMaxTurnCharacters { get; set; } = 8_000;

    /// <summary>The most characters of the current profile (as JSON) sent to the profile analyzer. Default 4,000.</summary>
    public int ProfileMaxCharacters { get; set; } = 4_000;

    /// <summary>The most characters of user input sent to the profile analyzer per analysis. Default 4,000.</summary>
    public int ProfileMaxInputCharacters { get; set; } = 4_000;

    /// <summary>A copy, so a factory keeps the settings it was given even when the caller changes the object later.</summary>
    internal MemoryOptions Clone() => (MemoryOptions)MemberwiseClone();
}
