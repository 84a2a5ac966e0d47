namespace Upsonic.Storage;

/// <summary>The span and attribute names memory reports, following the OpenTelemetry GenAI and database conventions where one
/// exists (<c>gen_ai.*</c>, <c>db.*</c>, <c>server.*</c>, <c>error.type</c>) and <c>upsonic.memory.*</c> otherwise.</summary>
internal static class TelemetryNames
{
    public const string InvokeAgent = "invoke_agent";
    public const string Turn = "memory.turn";
    public const string Prepare = "memory.prepare";
    public const string Save = "memory.save";
    public const string Summary = "memory.summary";
    public const string Profile = "memory.profile";

    public const string OperationName = "gen_ai.operation.name";
    public const string ConversationId = "gen_ai.conversation.id";
    public const string AgentName = "gen_ai.agent.name";
    public const string AgentId = "gen_ai.agent.id";
    public const string UserId = "upsonic.memory.user_id";
    public const string RunStatus = "upsonic.memory.run_status";
    public const string MessagesLoaded = "upsonic.memory.messages_loaded";
    public const string ModelInputCharacters = "upsonic.memory.model_input_characters";

    public const string DbSystem = "db.system.name";
    public const string DbOperation = "db.operation.name";
    public const string DbCollection = "db.collection.name";
    public const string ServerAddress = "server.address";
    public const string ServerPort = "server.port";
    public const string ErrorType = "error.type";
}
