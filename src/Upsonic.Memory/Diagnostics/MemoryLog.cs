using Microsoft.Extensions.Logging;

namespace Upsonic.Storage;

/// <summary>Every log message memory writes, source-generated. Messages carry ids and counts, never prompts, keys or profile values
/// (except the truncated prepared-input preview at debug level 2 and above, which the user turns on explicitly).</summary>
internal static partial class MemoryLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Summary memory is enabled but no model is configured; summaries are skipped (session {SessionId}). The turn is still saved.")]
    public static partial void SummaryWithoutModel(ILogger logger, string sessionId);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "User analysis memory is enabled but no model is configured; profiles are skipped (session {SessionId}).")]
    public static partial void ProfileWithoutModel(ILogger logger, string sessionId);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Summary model call failed for session {SessionId}; the previous summary is kept.")]
    public static partial void SummaryFailed(ILogger logger, Exception exception, string sessionId);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Summary model returned an empty reply for session {SessionId}; the previous summary is kept.")]
    public static partial void SummaryEmpty(ILogger logger, string sessionId);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "User profile analysis failed for session {SessionId}; the profile is unchanged.")]
    public static partial void ProfileFailed(ILogger logger, Exception exception, string sessionId);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "User profile analysis for session {SessionId} gave an unusable reply ({Reason}); the profile is unchanged.")]
    public static partial void ProfileUnusable(ILogger logger, string sessionId, string reason);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "A stored record of session {SessionId} cannot be read; history, summary and session metadata are not injected.")]
    public static partial void SessionLoadFailed(ILogger logger, Exception exception, string sessionId);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "The stored user profile cannot be read (session {SessionId}); the profile is not injected.")]
    public static partial void ProfileLoadFailed(ILogger logger, Exception exception, string sessionId);

    [LoggerMessage(EventId = 9, Level = LogLevel.Warning, Message = "SetMetadata: session {SessionId} does not exist yet, so nothing was written. Save a run first.")]
    public static partial void MetadataWithoutSession(ILogger logger, string sessionId);

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "Background memory work failed for session {SessionId}.")]
    public static partial void BackgroundFailed(ILogger logger, Exception exception, string sessionId);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "User profile analysis skipped for session {SessionId}: the run has no user input.")]
    public static partial void ProfileNoInput(ILogger logger, string sessionId);

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning, Message = "A custom user profile schema is ignored because DynamicUserProfile is on (session {SessionId}).")]
    public static partial void SchemaIgnored(ILogger logger, string sessionId);

    [LoggerMessage(EventId = 13, Level = LogLevel.Warning, Message = "{Operation} left out stored record {RecordId}, which cannot be read: {Reason}")]
    public static partial void UnreadableRecordSkipped(ILogger logger, string operation, string? recordId, string reason);

    [LoggerMessage(EventId = 20, Message = "Prepared memory for session {SessionId}: {MessageCount} history messages from {TurnCount} turns, summary {HasSummary}, profile {HasProfile}, metadata {HasMetadata}.")]
    public static partial void Prepared(ILogger logger, LogLevel level, string sessionId, int messageCount, int turnCount, bool hasSummary, bool hasProfile, bool hasMetadata);

    [LoggerMessage(EventId = 21, Message = "Prepared input for session {SessionId}: {Preview}")]
    public static partial void PreparedDetail(ILogger logger, LogLevel level, string sessionId, string preview);

    [LoggerMessage(EventId = 22, Message = "Saved run {RunId} ({Status}) in session {SessionId}: {MessagesAppended} messages appended, in history {InHistory}.")]
    public static partial void RunSaved(ILogger logger, LogLevel level, string sessionId, string runId, RunStatus status, int messagesAppended, bool inHistory);

    [LoggerMessage(EventId = 23, Message = "Run {RunId} in session {SessionId} was not saved: no save flag is on and the run was not saved before.")]
    public static partial void RunNotSaved(ILogger logger, LogLevel level, string sessionId, string runId);

    [LoggerMessage(EventId = 24, Message = "Summary for session {SessionId} updated to cover run {Watermark} ({InputCharacters} input characters).")]
    public static partial void SummaryUpdated(ILogger logger, LogLevel level, string sessionId, long watermark, int inputCharacters);

    [LoggerMessage(EventId = 25, Message = "User profile updated from session {SessionId}: {TraitCount} traits ({Mode}).")]
    public static partial void ProfileUpdated(ILogger logger, LogLevel level, string sessionId, int traitCount, UserMemoryMode mode);

    [LoggerMessage(EventId = 26, Message = "User profile analysis for session {SessionId} found nothing new; the profile is unchanged.")]
    public static partial void ProfileNothingNew(ILogger logger, LogLevel level, string sessionId);
}
