using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Upsonic.Storage;

/// <summary>
/// Persistent memory for an agent: conversation history, a running session summary and a user profile, each with a save flag
/// and a load flag, over any <see cref="IStorage"/>.
/// </summary>
/// <remarks>
/// <para>Each run calls <see cref="PrepareAsync(IReadOnlyDictionary{string, object?}?, CancellationToken)"/> (one storage round trip for the session part) and then
/// <see cref="SaveRunAsync"/> (the turn is written first, atomically; summary and profile work follows).</para>
/// <para><b>Security considerations:</b> stored user content is sent to <see cref="Model"/> for summaries and profiles, and the
/// profile is injected into later system prompts. Treat the storage as holding personal data; see
/// <see cref="IStorage.DeleteUserDataAsync"/> to forget a user.</para>
/// </remarks>
public sealed partial class Memory : IAsyncDisposable, IDisposable
{
    private readonly MemoryRuntime _runtime;
    private readonly bool _ownsRuntime;
    private readonly ILogger _logger;
    private readonly MemoryModel? _model;
    private volatile bool _disposed;

    /// <summary>Creates a memory over <paramref name="storage"/>. Parameter names and defaults mirror the Python SDK.</summary>
    /// <param name="storage">The storage backend.</param>
    /// <param name="sessionId">The session key; null or empty gives a new GUID string; white space or ill-formed UTF-16 is rejected.</param>
    /// <param name="userId">The user key; null or empty gives a new GUID string; white space or ill-formed UTF-16 is rejected.</param>
    /// <param name="fullSessionMemory">Save flag: store completed runs' messages as history.</param>
    /// <param name="summaryMemory">Save flag: keep a running session summary.</param>
    /// <param name="userAnalysisMemory">Save flag: extract a user profile.</param>
    /// <param name="loadFullSessionMemory">Load flag for history; null copies <paramref name="fullSessionMemory"/>.</param>
    /// <param name="loadSummaryMemory">Load flag for the summary; null copies <paramref name="summaryMemory"/>.</param>
    /// <param name="loadUserAnalysisMemory">Load flag for the profile; null copies <paramref name="userAnalysisMemory"/>.</param>
    /// <param name="userProfileSchema">The profile schema type; null means <see cref="UserTraits"/>.</param>
    /// <param name="dynamicUserProfile">Let the model propose the profile fields.</param>
    /// <param name="numLastMessages">How many recent turns of history to load; null, 0 or negative loads all.</param>
    /// <param name="model">The model for summaries and profiles.</param>
    /// <param name="debug">Raise log verbosity.</param>
    /// <param name="debugLevel">1 to 3 when <paramref name="debug"/> is on; ignored (treated as 1) without it.</param>
    /// <param name="feedToolCallResults">Keep tool calls and results in loaded history.</param>
    /// <param name="userMemoryMode">How new traits combine with the stored profile.</param>
    /// <param name="loggerFactory">Where logs go; none by default.</param>
    /// <param name="historyTokenBudget">The most tokens of history to load (the most recent whole turns that fit); null for no token limit.</param>
    /// <exception cref="ArgumentException">An id is white space or ill-formed UTF-16, <paramref name="debugLevel"/> is not 1-3 with debug on,
    /// <paramref name="userMemoryMode"/> is undefined, or <paramref name="historyTokenBudget"/> is not greater than 0. Checked here, so a run never starts with settings no storage accepts.</exception>
    public Memory(IStorage storage,
        string? sessionId = null, string? userId = null,
        bool fullSessionMemory = false, bool summaryMemory = false, bool userAnalysisMemory = false,
        bool? loadFullSessionMemory = null, bool? loadSummaryMemory = null, bool? loadUserAnalysisMemory = null,
        Type? userProfileSchema = null, bool dynamicUserProfile = false,
        int? numLastMessages = null, IChatClient? model = null,
        bool debug = false, int debugLevel = 1,
        bool feedToolCallResults = false, UserMemoryMode userMemoryMode = UserMemoryMode.Update,
        ILoggerFactory? loggerFactory = null, int? historyTokenBudget = null)
        : this(storage, new MemoryOptions
        {
            SessionId = CheckedId(sessionId, nameof(sessionId)),
            UserId = CheckedId(userId, nameof(userId)),
            FullSessionMemory = fullSessionMemory,
            SummaryMemory = summaryMemory,
            UserAnalysisMemory = userAnalysisMemory,
            LoadFullSessionMemory = loadFullSessionMemory,
            LoadSummaryMemory = loadSummaryMemory,
            LoadUserAnalysisMemory = loadUserAnalysisMemory,
            UserProfileSchema = userProfileSchema,
            DynamicUserProfile = dynamicUserProfile,
            NumLastMessages = numLastMessages,
            HistoryTokenBudget = CheckedBudget(historyTokenBudget, nameof(historyTokenBudget)),
            Debug = debug,
            DebugLevel = CheckedDebugLevel(debugLevel, debug, nameof(debugLevel)),
            FeedToolCallResults = feedToolCallResults,
            UserMemoryMode = CheckedMode(userMemoryMode, nameof(userMemoryMode)),
        }, model, loggerFactory)
    {
    }

    /// <summary>Creates a memory from an options object (for example bound from configuration).</summary>
    /// <param name="storage">The storage backend.</param>
    /// <param name="options">The settings.</param>
    /// <param name="model">The model for summaries and profiles.</param>
    /// <param name="loggerFactory">Where logs go; none by default.</param>
    /// <exception cref="ArgumentException">An id in <paramref name="options"/> is white space or ill-formed UTF-16, its debug level is
    /// not 1-3 with debug on, its user memory mode is undefined, or its history token budget is not greater than 0 (reported as <paramref name="options"/>).</exception>
    public Memory(IStorage storage, MemoryOptions options, IChatClient? model = null, ILoggerFactory? loggerFactory = null)
        : this(storage, options, options?.SessionId, options?.UserId, new MemoryRuntime(model, loggerFactory), ownsRuntime: true)
    {
    }

    /// <summary>The constructor every memory goes through; a <see cref="MemoryFactory"/> passes its shared runtime.</summary>
    internal Memory(IStorage storage, MemoryOptions? options, string? sessionId, string? userId, MemoryRuntime runtime, bool ownsRuntime)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(options);
        Limits = Validate(options);
        Storage = storage;
        SessionId = CheckedId(sessionId, nameof(options)) is { Length: > 0 } session ? session : Guid.NewGuid().ToString();
        UserId = CheckedId(userId, nameof(options)) is { Length: > 0 } user ? user : Guid.NewGuid().ToString();
        FullSessionMemoryEnabled = options.FullSessionMemory;
        SummaryMemoryEnabled = options.SummaryMemory;
        UserAnalysisMemoryEnabled = options.UserAnalysisMemory;
        LoadFullSessionMemoryEnabled = options.LoadFullSessionMemory ?? options.FullSessionMemory;
        LoadSummaryMemoryEnabled = options.LoadSummaryMemory ?? options.SummaryMemory;
        LoadUserAnalysisMemoryEnabled = options.LoadUserAnalysisMemory ?? options.UserAnalysisMemory;
        UserProfileSchema = options.UserProfileSchema;
        DynamicUserProfile = options.DynamicUserProfile;
        NumLastMessages = options.NumLastMessages;
        HistoryTokenBudget = options.HistoryTokenBudget;
        Model = runtime.Client;
        Debug = options.Debug;
        DebugLevel = options.Debug ? options.DebugLevel : 1;
        FeedToolCallResults = options.FeedToolCallResults;
        UserMemoryMode = options.UserMemoryMode;
        BackgroundProcessing = options.BackgroundProcessing;
        _runtime = runtime;
        _ownsRuntime = ownsRuntime;
        _logger = runtime.Logger;
        _model = runtime.Model;
        if (ownsRuntime && DynamicUserProfile && UserProfileSchema is not null)
        {
            MemoryLog.SchemaIgnored(_logger, SessionId);
        }
    }

    // Null or empty ids mean "a new GUID" (upstream); anything else must be a usable id (not white space, well-formed UTF-16).
    private static string? CheckedId(string? id, string parameterName) => string.IsNullOrEmpty(id) ? id : StorageArguments.Id(id, parameterName);

    // Upstream's rule: the level matters only with debug on; without it any value is ignored (treated as 1).
    private static int CheckedDebugLevel(int level, bool debug, string parameterName) =>
        !debug || level is >= 1 and <= 3 ? level : throw new ArgumentOutOfRangeException(parameterName, level, "DebugLevel must be 1, 2 or 3 when debug is on.");

    private static int? CheckedBudget(int? budget, string parameterName) =>
        budget is null or > 0 ? budget : throw new ArgumentOutOfRangeException(parameterName, budget, "The history token budget must be greater than 0 (null: no token limit).");

    private static UserMemoryMode CheckedMode(UserMemoryMode mode, string parameterName) =>
        Enum.IsDefined(mode) ? mode : throw new ArgumentOutOfRangeException(parameterName, mode, "UserMemoryMode must be Update or Replace.");

    /// <summary>Checks the settings every memory checks; returns the model-input bounds they give.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names it.</exception>
    internal static MemoryLimits Validate(MemoryOptions options)
    {
        MemoryOptionsRules.ThrowIfInvalid(options);
        return MemoryLimits.From(options);
    }

    /// <summary>The storage backend.</summary>
    public IStorage Storage { get; }

    /// <summary>The session key.</summary>
    public string SessionId { get; }

    /// <summary>The user key.</summary>
    public string UserId { get; }

    /// <summary>Save flag for history.</summary>
    public bool FullSessionMemoryEnabled { get; }

    /// <summary>Save flag for the summary.</summary>
    public bool SummaryMemoryEnabled { get; }

    /// <summary>Save flag for the user profile.</summary>
    public bool UserAnalysisMemoryEnabled { get; }

    /// <summary>Load flag for history.</summary>
    public bool LoadFullSessionMemoryEnabled { get; }

    /// <summary>Load flag for the summary.</summary>
    public bool LoadSummaryMemoryEnabled { get; }

    /// <summary>Load flag for the user profile.</summary>
    public bool LoadUserAnalysisMemoryEnabled { get; }

    /// <summary>How many recent turns of history are loaded (null, 0 or negative: all).</summary>
    public int? NumLastMessages { get; }

    /// <summary>The most tokens of history loaded (the most recent whole turns that fit), or null for no token limit.</summary>
    public int? HistoryTokenBudget { get; }

    /// <summary>Whether tool calls and results stay in loaded history. The <c>Agent</c> may set it.</summary>
    public bool FeedToolCallResults { get; set; }

    /// <summary>The profile schema type as given (even when <see cref="DynamicUserProfile"/> makes it unused).</summary>
    public Type? UserProfileSchema { get; }

    /// <summary>Whether the model proposes the profile fields.</summary>
    public bool DynamicUserProfile { get; }

    /// <summary>The same as <see cref="DynamicUserProfile"/>: upstream's legacy name <c>is_profile_dynamic</c>.</summary>
    public bool IsProfileDynamic => DynamicUserProfile;

    /// <summary>How new traits combine with the stored profile.</summary>
    public UserMemoryMode UserMemoryMode { get; }

    /// <summary>The model for summaries and profiles, or null.</summary>
    public IChatClient? Model { get; }

    /// <summary>Whether debug logging is on.</summary>
    public bool Debug { get; }

    /// <summary>The debug level (1 when <see cref="Debug"/> is off).</summary>
    public int DebugLevel { get; }

    /// <summary>Whether summary and profile work runs after the run returns.</summary>
    public bool BackgroundProcessing { get; }

    /// <summary>The session and user of this memory: the key its background work is ordered by.</summary>
    internal MemoryScope Scope => new(SessionId, UserId);

    /// <summary>The bounds on model input, from the options.</summary>
    internal MemoryLimits Limits { get; }

    /// <summary>What summary and profile work has sent to the model so far (null without a model).</summary>
    internal MemoryModel? ModelUsage => _model;

    /// <summary>The level of "what memory did" logs: Information with <see cref="Debug"/>, else Debug.</summary>
    private LogLevel InfoLevel => Debug ? LogLevel.Information : LogLevel.Debug;

    /// <summary>The profile schema actually used: null when dynamic, the custom type when given, else <see cref="UserTraits"/>.</summary>
    public Type? EffectiveUserProfileSchema => DynamicUserProfile ? null : UserProfileSchema ?? typeof(UserTraits);
}
