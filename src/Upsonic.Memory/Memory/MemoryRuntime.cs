using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Upsonic.Storage;

/// <summary>
/// What a <see cref="Memory"/> shares with every other memory of its <see cref="MemoryFactory"/> (or owns alone when built
/// with a constructor): the model and its usage counters, the loggers, the background worker, the held history windows and the once-only warnings.
/// </summary>
internal sealed class MemoryRuntime
{
    private int _summaryWithoutModelWarned;
    private int _profileWithoutModelWarned;

    public MemoryRuntime(IChatClient? model, ILoggerFactory? loggerFactory)
    {
        Client = model;
        Model = model is null ? null : new MemoryModel(model);
        LoggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        Logger = LoggerFactory.CreateLogger<Memory>();
        SummaryLogger = LoggerFactory.CreateLogger<SessionSummarizer>();
        ProfileLogger = LoggerFactory.CreateLogger<UserProfileAnalyzer>();
        Worker = new MemoryWorker(Logger);
    }

    public IChatClient? Client { get; }

    public MemoryModel? Model { get; }

    public ILoggerFactory LoggerFactory { get; }

    public ILogger Logger { get; }

    public ILogger SummaryLogger { get; }

    public ILogger ProfileLogger { get; }

    public MemoryWorker Worker { get; }

    /// <summary>The windows served last, by session, for incremental reads.</summary>
    public HeldWindows Windows { get; } = new();

    /// <summary>True the first time a step that needs a model finds none (so the warning is logged once, not per request).</summary>
    public bool FirstWithoutModel(bool summary) =>
        Interlocked.Exchange(ref summary ? ref _summaryWithoutModelWarned : ref _profileWithoutModelWarned, 1) == 0;
}
